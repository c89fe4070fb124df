/**
 * Benchmark: reconciliation of the bench workspace's largest application (app00: everyone has an
 * account) — read its csv-export file, correlate, classify, store — run twice: the first time
 * over the populated actual state, then again with nothing changed. In a process of its own.
 * The LDAP read itself is the ldap scenario's `read()` figure.
 */
import { reconcile } from '../src/engine/reconcile/reconcile.js';
import { openWorkspace } from '../src/engine/workspace.js';
import { isMain, report, runChild } from './child.js';

export type ReconcileFigures = {
  app: string;
  accounts: number;
  first_s: number;
  read_s: number;
  correlate_s: number;
  store_s: number;
  rerun_s: number;
  max_rss_mb: number;
};

async function measure(dir: string, appId: string): Promise<void> {
  const ws = await openWorkspace(dir);
  try {
    let t = performance.now();
    const first = (await reconcile(ws, { appId })).apps[0]!;
    const firstS = (performance.now() - t) / 1000;
    if (first.status !== 'done') throw new Error(`reconcile ${appId}: ${JSON.stringify(first)}`);
    t = performance.now();
    const again = (await reconcile(ws, { appId })).apps[0]!;
    const rerunS = (performance.now() - t) / 1000;
    const changed = Object.values(again.changes ?? {}).some((x) => x !== 0);
    if (again.status !== 'done' || changed)
      throw new Error(`the re-run of ${appId} changed state: ${JSON.stringify(again.changes)}`);
    report({
      app: appId,
      accounts: first.counts?.accounts ?? 0,
      first_s: firstS,
      read_s: first.seconds?.read ?? 0,
      correlate_s: first.seconds?.correlate ?? 0,
      store_s: first.seconds?.store ?? 0,
      rerun_s: rerunS,
    });
  } finally {
    await ws.close();
  }
}

/** Parent side: reconciles `appId` of the (populated) workspace at `dir`. */
export const benchReconcile = (dir: string, appId = 'app00'): Promise<ReconcileFigures> =>
  runChild<ReconcileFigures>(import.meta.url, [dir, appId]);

if (isMain(import.meta.url)) await measure(process.argv[2]!, process.argv[3]!);
