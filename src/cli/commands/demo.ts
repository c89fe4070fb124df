/** `tenure demo`: the whole JML story on the demo organisation, on SQLite, with a summary. */

import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { checkpoint } from '../../engine/audit/checkpoint.js';
import { verifyWorkspaceAudit } from '../../engine/audit/verify.js';
import { fullRun } from '../../engine/runs/runs.js';
import { closeTask } from '../../engine/tasks/tasks.js';
import { openWorkspace, STATE_DIR } from '../../engine/workspace.js';
import { adminActor, cliClock, type GlobalOptions } from '../context.js';
import { addExamples, type CommandExamples } from '../help-examples.js';
import { createOut, table } from '../output.js';
import { countOps } from '../plan-view.js';
import { claimDemoDir, DEMO_TODAY } from './demo-dir.js';
import { initWorkspace } from './init.js';

const EXAMPLES: CommandExamples = {
  'tenure demo': ['tenure demo', 'tenure demo tenure-demo --json'],
};

export function registerDemo(program: Command, g: () => GlobalOptions): void {
  program
    .command('demo [dir]')
    .description(
      'create a demo workspace, run HR snapshot 1 (day one) then snapshot 2 (joiners, movers, leavers) and summarise',
    )
    .option('--json', 'machine-readable output')
    .action(async (dirArg: string | undefined, o) => {
      await runDemo(dirArg, { json: Boolean(o.json), actor: adminActor(g()) });
    });
  addExamples(program, EXAMPLES);
}

/**
 * (Re)creates the demo workspace in `dirArg` (default tenure-demo) — a new or empty directory, or
 * one an earlier demo made (demo-dir.ts) — runs both HR snapshots and prints the summary;
 * `tenure serve --demo` starts the same way. Returns the workspace directory.
 */
export async function runDemo(
  dirArg: string | undefined,
  opts: { json: boolean; actor: string },
): Promise<string> {
  const out = createOut(opts.json);
  const dir = resolve(dirArg ?? 'tenure-demo');
  // The demo's own "today", recorded in the directory so later commands on it share it.
  const clock = cliClock({ TENURE_NOW: process.env.TENURE_NOW || DEMO_TODAY });
  claimDemoDir(dir, clock());
  initWorkspace(dir, { force: true });
  const ws = await openWorkspace(dir, { clock });
  try {
    const actor = opts.actor;
    const bar = out.progress('provisioning');
    const day1 = await fullRun(ws, {
      actor,
      trigger: 'demo:snapshot-1',
      onProgress: bar.update,
    });
    bar.stop();
    // Simulate the payroll team doing day one's manual work, so leavers later have payroll accounts to close.
    const dayOneTasks = await ws.store.tasks.list('open');
    for (const t of dayOneTasks)
      await closeTask(
        ws,
        t.id,
        'admin:payroll-team',
        'demo: done in the payroll console on day one',
      );
    await checkpoint(ws);
    const bar2 = out.progress('JML run');
    const day2 = await fullRun(ws, {
      actor,
      trigger: 'demo:snapshot-2',
      onProgress: bar2.update,
      imports: [{ sourceId: ws.config.sources[0]!.id, file: 'hr/employees-next.csv' }],
    });
    bar2.stop();
    const tasks = await ws.store.tasks.list('open');
    const audit = await verifyWorkspaceAudit(ws);
    const rel = (p: string) => relative(process.cwd(), join(dir, p)) || '.';
    const summary = {
      workspace: dir,
      clock: clock().toISOString(),
      day1: {
        identities: day1.imports[0]?.accepted,
        run: day1.apply.run_id,
        execution: day1.apply.execution,
        manual_tasks_closed: dayOneTasks.length,
      },
      day2: {
        hr_events: day2.imports[0]?.events,
        rejected: day2.imports[0]?.rejected,
        run: day2.apply.run_id,
        operations: countOps(day2.apply.plan.ops),
        execution: day2.apply.execution,
      },
      open_manual_tasks: tasks.length,
      audit,
      outputs: ws.config.applications
        .filter((a) => a.connector === 'csv-export')
        .map((a) => rel(String(a.settings.path))),
    };
    out.result(summary, () => {
      const e1 = day1.apply.execution;
      out.line(`Tenure demo — ${ws.config.organisation.name}, workspace ${rel('.')}`);
      out.line(
        `Clock: ${summary.clock}, the demo's today; commands on this workspace run at it (TENURE_NOW overrides).`,
      );
      out.line();
      out.line(
        `Day one: ${summary.day1.identities} people imported; ${e1?.success ?? 0} operations succeeded, ${e1?.pending_manual ?? 0} manual tasks opened, ${e1?.failure ?? 0} failed.`,
      );
      out.line(
        `         the payroll team closed those ${dayOneTasks.length} tasks (simulated, with evidence).`,
      );
      out.line();
      out.line('Second HR snapshot — lifecycle events detected:');
      out.line(
        table([
          ['EVENT', 'PEOPLE'],
          ...Object.entries(summary.day2.hr_events ?? {}).map(([k, n]) => [k, String(n)]),
        ]),
      );
      out.line();
      const ops = summary.day2.operations;
      out.line(`JML run ${summary.day2.run}: ${ops.total} operations`);
      out.line(
        table([
          ['APPLICATION', 'OPERATIONS'],
          ...Object.entries(ops.by_application).map(([app, kinds]) => [
            app,
            Object.entries(kinds)
              .map(([k, n]) => `${n} ${k}`)
              .join(', '),
          ]),
        ]),
      );
      out.line(
        `by lifecycle (people): ${Object.entries(ops.identities_by_lifecycle)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`,
      );
      const e2 = day2.apply.execution;
      out.line(
        `outcomes: ${e2?.success ?? 0} success, ${e2?.failure ?? 0} failure, ${e2?.pending_manual ?? 0} pending_manual`,
      );
      out.line();
      out.line(`Open manual tasks: ${tasks.length}  (tenure -w ${rel('.')} tasks list)`);
      out.line(
        `Audit trail: ${audit.ok ? `${audit.events} events, chain ${audit.signatures === 'verified' ? 'and signatures verified' : `verified, signatures not checked (${audit.signatures_reason})`}` : `BROKEN at ${audit.first_bad_seq}`}  (tenure -w ${rel('.')} audit verify | audit export --format jsonl)`,
      );
      out.line(
        `Store: ${rel(`${STATE_DIR}/tenure.db`)}   Exports written: ${summary.outputs.join(', ')}`,
      );
      out.line(
        `Try: tenure -w ${rel('.')} identities show <id>   tenure -w ${rel('.')} access --at <timestamp>`,
      );
    });
  } finally {
    await ws.close();
  }
  return dir;
}
