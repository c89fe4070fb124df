/**
 * Entry of the standalone agent (`node dist/agent.js --config agent.yaml [--enroll-token …]`),
 * also what `tenure agent` calls. No commander, no server code: the bundle stays small.
 */
import { pathToFileURL } from 'node:url';
import { isTenureError } from '../domain/errors.js';
import { runAgent } from './agent.js';
import { AGENT_VERSION } from './version.js';

export const AGENT_USAGE = `Usage: tenure-agent --config <agent.yaml> [--enroll-token <token>]

  --config <file>        agent configuration (default: $TENURE_AGENT_CONFIG)
  --enroll-token <t>     one-time token from \`tenure agents token --site <site>\`, needed on the
                         first start only (default: $TENURE_AGENT_ENROLL_TOKEN)
  --version, --help

Logs are JSON lines on stdout. Stops cleanly on SIGTERM or SIGINT (exit 0). Docs: docs/agent.md`;

/** Exit codes: 0 stopped cleanly, 2 bad usage or configuration, 1 anything else. */
export const AGENT_EXIT = { ok: 0, error: 1, invalid: 2 } as const;

type Args = { config?: string; enrollToken?: string; help?: boolean; version?: boolean };

export function parseAgentArgs(argv: string[]): Args {
  const out: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? a.split(/=(.*)/s, 2) : [a];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--config' || flag === '-c') out.config = value();
    else if (flag === '--enroll-token') out.enrollToken = value();
    else if (flag === '--help' || flag === '-h') out.help = true;
    else if (flag === '--version') out.version = true;
    else throw new Error(`unknown argument "${a}"`);
  }
  return out;
}

/** Maps an agent error to an exit code, printing it on stderr (stdout is the JSON log). */
export function reportFatal(e: unknown): number {
  if (isTenureError(e)) {
    if (e.code === 'agent.stopped') return AGENT_EXIT.ok;
    process.stderr.write(`error [${e.code}]: ${e.message}\n`);
    return e.kind === 'misconfigured' || e.kind === 'invalid'
      ? AGENT_EXIT.invalid
      : AGENT_EXIT.error;
  }
  process.stderr.write(`unexpected error: ${(e as Error).stack ?? e}\n`);
  return AGENT_EXIT.error;
}

export async function agentMain(argv: string[], env = process.env): Promise<number> {
  let args: Args;
  try {
    args = parseAgentArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${AGENT_USAGE}\n`);
    return AGENT_EXIT.invalid;
  }
  if (args.help || args.version) {
    process.stdout.write(`${args.help ? AGENT_USAGE : AGENT_VERSION}\n`);
    return AGENT_EXIT.ok;
  }
  const configFile = args.config ?? env.TENURE_AGENT_CONFIG;
  if (!configFile) {
    process.stderr.write(`--config is required\n${AGENT_USAGE}\n`);
    return AGENT_EXIT.invalid;
  }
  try {
    return await runAgent({
      configFile,
      ...(args.enrollToken ? { enrollToken: args.enrollToken } : {}),
      env,
    });
  } catch (e) {
    return reportFatal(e);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // The loop handles every failure it expects; anything else is logged, never fatal.
  process.on('unhandledRejection', (e) => {
    process.stderr.write(`unhandled rejection (agent continues): ${(e as Error)?.stack ?? e}\n`);
  });
  const code = await agentMain(process.argv.slice(2));
  process.exit(code);
}
