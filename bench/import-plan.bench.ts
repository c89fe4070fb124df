/** Benchmark: full import + plan from the HR CSV (cold store, or steady state), one process per scenario. */

import { prepareRun } from '../src/engine/runs/prepare-run.js';
import { importSource } from '../src/engine/sync/import-source.js';
import { openWorkspace } from '../src/engine/workspace.js';
import { isMain, report, runChild } from './child.js';

export type ImportPlanFigures = {
  scenario: string;
  import_s: number;
  plan_s: number;
  total_s: number;
  /** user + system CPU of the child over the same span (wall time also counts waiting for a core). */
  cpu_s: number;
  rows: number;
  changed: number;
  ops: number;
  max_rss_mb: number;
};

/** Child side: open the workspace, time importSource + prepareRun (the plan), report. */
async function measure(scenario: string, dir: string): Promise<void> {
  const ws = await openWorkspace(dir);
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const imported = await importSource(ws, { sourceId: 'hr' });
    const t1 = performance.now();
    const plan = await prepareRun(ws);
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    report({
      scenario,
      import_s: (t1 - t0) / 1000,
      plan_s: (t2 - t1) / 1000,
      total_s: (t2 - t0) / 1000,
      cpu_s: (cpu.user + cpu.system) / 1e6,
      rows: imported.rows,
      changed: imported.rows - imported.unchanged,
      ops: plan.ops.length,
    });
  } finally {
    await ws.close();
  }
}

/** Parent side. `scenario` is a label: the workspace's state decides what is measured. */
export const benchImportPlan = (scenario: string, dir: string): Promise<ImportPlanFigures> =>
  runChild<ImportPlanFigures>(import.meta.url, [scenario, dir]);

if (isMain(import.meta.url)) await measure(process.argv[2]!, process.argv[3]!);
