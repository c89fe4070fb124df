/**
 * `tenure agent --config agent.yaml [--enroll-token …]`: the on-prem agent, the same code as the
 * standalone bundle (src/agent/main.ts ⟶ dist/agent.js). It needs no workspace and opens no port.
 */
import type { Command } from 'commander';
import { runAgent } from '../../agent/agent.js';
import { reportFatal } from '../../agent/main.js';
import { addExamples, type CommandExamples } from '../help-examples.js';

const EXAMPLES: CommandExamples = {
  'tenure agent': [
    'tenure agent --config agent.yaml --enroll-token "$ENROLL_TOKEN"',
    'tenure agent --config /etc/tenure/agent.yaml',
  ],
};

export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description(
      'run the on-prem agent: polls the control plane over HTTPS, applies LDAP operations locally (docs/agent.md)',
    )
    .option('--config <file>', 'agent configuration (default: $TENURE_AGENT_CONFIG)')
    .option(
      '--enroll-token <token>',
      'one-time token from `tenure agents token`, first start only (default: $TENURE_AGENT_ENROLL_TOKEN)',
    )
    .action(async (o: { config?: string; enrollToken?: string }) => {
      const configFile = o.config ?? process.env.TENURE_AGENT_CONFIG;
      if (!configFile) {
        process.stderr.write('error [cli.missing_option]: --config <agent.yaml> is required\n');
        process.exitCode = 2;
        return;
      }
      try {
        process.exitCode = await runAgent({
          configFile,
          ...(o.enrollToken ? { enrollToken: o.enrollToken } : {}),
        });
      } catch (e) {
        // Same messages and exit codes as the standalone agent.
        process.exitCode = reportFatal(e);
      }
    });
  addExamples(program, EXAMPLES);
}
