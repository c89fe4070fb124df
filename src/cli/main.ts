/** The `tenure` command line: every admin action, scriptable, with --json and documented exit codes. */
import { Command, CommanderError } from 'commander';
import { isTenureError } from '../domain/errors.js';
import { diskFullError, isDiskFull } from '../store/store-errors.js';
import { registerAgent } from './commands/agent.js';
import { registerAgents } from './commands/agents.js';
import { registerApps } from './commands/apps.js';
import { registerAudit } from './commands/audit.js';
import { registerDemo } from './commands/demo.js';
import { registerIdentities } from './commands/identities.js';
import { initWorkspace } from './commands/init.js';
import { registerQuarantine } from './commands/quarantine.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerReviews } from './commands/reviews.js';
import { registerRuns } from './commands/runs.js';
import { registerServe } from './commands/serve.js';
import { registerSync } from './commands/sync.js';
import { registerTasks } from './commands/tasks.js';
import { registerUsers } from './commands/users.js';
import type { GlobalOptions } from './context.js';
import { EXIT } from './exit-codes.js';
import { addExamples, type CommandExamples } from './help-examples.js';
import { failure, fromCommander, reportFailure, wantsJson } from './report-error.js';
import { TENURE_VERSION } from './version.js';

const EXAMPLES: CommandExamples = {
  tenure: [
    'tenure demo tenure-demo',
    'tenure -w tenure-demo plan --identity E1015',
    'tenure -w tenure-demo --as alice tasks close 571 --evidence "HELP-1234: payroll account disabled"',
  ],
  'tenure init': ['tenure init my-workspace', 'tenure init . --force --json'],
};

/** Commander's usage error (and the help after it), held back so `main` prints it with its code. */
export type UsageSink = { text: string | undefined };

export function buildProgram(usage: UsageSink = { text: undefined }): Command {
  const program = new Command('tenure')
    // Before any subcommand: each copies its parent's output settings when it is created.
    .configureOutput({
      outputError: (text) => {
        usage.text = text;
      },
      writeErr: (text) => {
        if (usage.text === undefined) process.stderr.write(text);
        else usage.text += text;
      },
    })
    .description(
      'Identity governance: HR-driven joiner/mover/leaver automation with a tamper-evident audit trail',
    )
    .option(
      '-w, --workspace <dir>',
      'workspace directory holding tenure.yaml (default: $TENURE_WORKSPACE or .)',
    )
    .option(
      '--as <name>',
      'name recorded as admin:<name> in the audit trail (default: $TENURE_ACTOR or OS user)',
    )
    .version(TENURE_VERSION, '-V, --version', 'print the version (package.json) and exit')
    .showHelpAfterError()
    .exitOverride();
  const g = () => program.opts<GlobalOptions>();

  program
    .command('init [dir]')
    .description('create a workspace from the demo template, with its audit signing key')
    .option('--force', 'overwrite an existing tenure.yaml')
    .option('--json', 'machine-readable output')
    .action((dir: string | undefined, o) => {
      const r = initWorkspace(dir ?? '.', { force: o.force });
      if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else
        process.stdout.write(
          `Workspace ready in ${r.dir}\nAudit public key: ${r.publicKey}\nNext: tenure -w ${dir ?? '.'} run\n`,
        );
    });
  registerSync(program, g);
  registerIdentities(program, g);
  registerQuarantine(program, g);
  registerTasks(program, g);
  registerReviews(program, g);
  registerAudit(program, g);
  registerApps(program, g);
  registerRuns(program, g);
  registerReconcile(program, g);
  registerDemo(program, g);
  registerServe(program, g);
  registerUsers(program, g);
  registerAgents(program, g);
  registerAgent(program);
  addExamples(program, EXAMPLES);
  return program;
}

export async function main(argv = process.argv): Promise<number> {
  const json = wantsJson(argv.slice(2));
  const usage: UsageSink = { text: undefined };
  try {
    await buildProgram(usage).parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      if (thrown.exitCode === 0) return EXIT.ok;
      const f = fromCommander(thrown);
      // The usage text is commander's message then the help: print the coded line in its place.
      const help = usage.text?.replace(/^.*\n/, '').replace(/\n$/, '');
      return reportFailure(f, json, `error [${f.code}]: ${f.message}${help ? `\n${help}` : ''}`);
    }
    // The store reports its own; a file write (an export, a CSV target) can hit ENOSPC too.
    const e = isDiskFull(thrown) ? diskFullError(thrown) : thrown;
    if (isTenureError(e)) return reportFailure(failure(e.code, e.message, e.details), json);
    const message = e instanceof Error ? e.message : String(e);
    return reportFailure(
      failure('internal', message),
      json,
      `unexpected error: ${(e as Error).stack ?? e}`,
    );
  }
}
