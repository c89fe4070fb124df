/** Benchmark: an incremental run for one mover in a populated workspace (1-row partial import, then a scoped applyRun). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connector } from '../src/connectors/contract.js';
import { applyRun } from '../src/engine/runs/runs.js';
import { importSource } from '../src/engine/sync/import-source.js';
import { openWorkspace, type Workspace } from '../src/engine/workspace.js';
import { isMain, report, runChild } from './child.js';
import { quantile } from './quantile.js';
import { toCsv } from './synthetic-org.js';
import { DELTA_FILE } from './workspace-fixture.js';

export type IncrementalFigures = {
  iterations: number;
  ops_per_run: number;
  /** The first run: connectors parse their files (as every run of a fresh `tenure` process does). */
  apply_first_ms: number;
  apply_p50_ms: number;
  apply_p99_ms: number;
  /** p99 of the runs after the first: with 50 runs, the p99 of all of them is mostly the first. */
  apply_p99_warm_ms: number;
  /** Of the apply: time inside connector.apply (csv-export reading and rewriting its files). */
  connector_p50_ms: number;
  /** The apply without the connector time: plan, store writes, audit, checkpoint. */
  engine_p50_ms: number;
  engine_p99_ms: number;
  /** The 1-row partial import before each run (not part of the target). */
  import_p50_ms: number;
  max_rss_mb: number;
};

/**
 * Wraps every connector to record when each `apply` runs (until its last result). Applications
 * run in parallel, so the connector time of a run is the union of those intervals.
 */
function timeConnectors(ws: Workspace): { spent: () => number; reset: () => void } {
  let intervals: [number, number][] = [];
  const open = ws.connector;
  const wrapped = new Map<string, Promise<Connector>>();
  ws.connector = (appId) => {
    let c = wrapped.get(appId);
    if (!c) {
      c = open(appId).then((inner) => ({
        ...inner,
        async *apply(ops) {
          const t = performance.now();
          const results = [];
          for await (const r of inner.apply(ops)) results.push(r);
          intervals.push([t, performance.now()]);
          yield* results;
        },
      }));
      wrapped.set(appId, c);
    }
    return c;
  };
  const spent = () => {
    let total = 0;
    let end = Number.NEGATIVE_INFINITY;
    for (const [a, b] of [...intervals].sort((x, y) => x[0] - y[0])) {
      if (b <= end) continue;
      total += b - Math.max(a, end);
      end = b;
    }
    return total;
  };
  return { spent, reset: () => (intervals = []) };
}

/** Child side: alternate one active employee between two departments, `iterations` times. */
async function measure(dir: string, iterations: number, budgetMs: number): Promise<void> {
  const ws = await openWorkspace(dir);
  try {
    const connectors = timeConnectors(ws);
    const person = (await ws.store.identities.all()).find(
      (i) =>
        i.status === 'active' &&
        i.attributes.department === 'Engineering' &&
        i.attributes.employment_type === 'employee',
    );
    if (!person) throw new Error('no active engineer in the workspace');
    const departments = ['Sales', 'Engineering'];
    const apply: number[] = [];
    const engine: number[] = [];
    const connector: number[] = [];
    const imports: number[] = [];
    let ops = 0;
    const started = performance.now();
    for (let i = 0; i < iterations && performance.now() - started < budgetMs; i++) {
      const record = { ...person.attributes, department: departments[i % 2]! };
      writeFileSync(join(dir, DELTA_FILE), toCsv([record]));
      let t = performance.now();
      await importSource(ws, { sourceId: 'hr-events' });
      imports.push(performance.now() - t);

      connectors.reset();
      t = performance.now();
      const outcome = await applyRun(ws, {
        identityIds: [person.id],
        actor: 'admin:bench',
        trigger: 'bench:incremental',
      });
      const ms = performance.now() - t;
      if (outcome.status !== 'done' || (outcome.execution?.failure ?? 0) > 0)
        throw new Error(
          `run ${outcome.run_id}: ${outcome.status} ${JSON.stringify(outcome.execution)}`,
        );
      ops = outcome.plan.ops.length;
      apply.push(ms);
      connector.push(connectors.spent());
      engine.push(ms - connectors.spent());
    }
    report({
      iterations: apply.length,
      ops_per_run: ops,
      apply_first_ms: apply[0],
      apply_p50_ms: quantile(apply, 0.5),
      apply_p99_ms: quantile(apply, 0.99),
      apply_p99_warm_ms: quantile(apply.length > 1 ? apply.slice(1) : apply, 0.99),
      connector_p50_ms: quantile(connector, 0.5),
      engine_p50_ms: quantile(engine, 0.5),
      engine_p99_ms: quantile(engine, 0.99),
      import_p50_ms: quantile(imports, 0.5),
    });
  } finally {
    await ws.close();
  }
}

/** Parent side: at most `iterations` runs, stopping early once `budgetMs` has been spent. */
export const benchIncremental = (
  dir: string,
  iterations = 50,
  budgetMs = 90_000,
): Promise<IncrementalFigures> =>
  runChild<IncrementalFigures>(import.meta.url, [dir, String(iterations), String(budgetMs)]);

if (isMain(import.meta.url))
  await measure(process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]));
