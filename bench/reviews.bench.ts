/**
 * Benchmark: access reviews at scale — launch over every access of N synthetic people (the
 * snapshot, its hash, the items), a reviewer's inbox page (50 items, p50/p99) and a bulk decision
 * of 1,000 items; one process. `npx tsx bench/reviews.bench.ts [identities]` (default 10,000;
 * the figure is 100,000 × 20 ≈ 2 M items). Figures only: no assertion.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importSource } from '../src/engine/sync/import-source.js';
import { openWorkspace } from '../src/engine/workspace.js';
import { createCampaign } from '../src/governance/reviews/create-campaign.js';
import { decide } from '../src/governance/reviews/decide.js';
import type { ReviewCaller } from '../src/governance/reviews/deps.js';
import { launchCampaign } from '../src/governance/reviews/launch-campaign.js';
import { inbox } from '../src/governance/reviews/read.js';
import { quantile } from './quantile.js';
import { populateActualState, writeWorkspace } from './workspace-fixture.js';

const n = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-reviews-'));
const log = (s: string) => console.error(`[reviews bench] ${s}`);
try {
  writeWorkspace(dir, n);
  {
    const ws = await openWorkspace(dir);
    await importSource(ws, { sourceId: 'hr' });
    await ws.close();
  }
  const populated = await populateActualState(dir);
  log(`${n} identities, ${populated.accounts} accounts, ${populated.entitlements} entitlements`);
  const ws = await openWorkspace(dir);
  const someone = (await ws.store.identities.all())[0]!.id;
  const c = await createCampaign(
    ws,
    {
      name: 'bench',
      stages: [{ strategy: 'manager' }],
      due_at: '2030-01-01T00:00:00Z',
      fallback_reviewer: 'security-team',
    },
    'admin:bench',
  );
  const t0 = performance.now();
  const launched = await launchCampaign(ws, c.id, 'admin:bench');
  const launchS = (performance.now() - t0) / 1000;
  log(
    `launch: ${launched.snapshot_items} items in ${launchS.toFixed(2)} s, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`,
  );
  const [first] = await ws.store.reviews.items({ campaignId: c.id, limit: 1 });
  const caller: ReviewCaller = {
    actor: 'reviewer:bench',
    role: 'reviewer',
    refs: [first!.reviewer],
    identityId: null,
  };
  const samples: number[] = [];
  let after: number | undefined;
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    const page = await inbox(ws.store, caller, {
      limit: 50,
      ...(after !== undefined && { afterId: after }),
    });
    samples.push(performance.now() - t);
    after = page.at(-1)?.id;
  }
  log(
    `inbox page of 50: p50 ${quantile(samples, 0.5).toFixed(1)} ms, p99 ${quantile(samples, 0.99).toFixed(1)} ms`,
  );
  const mine = await inbox(ws.store, caller, { limit: 1000 });
  const t1 = performance.now();
  await decide(
    ws,
    c.id,
    caller,
    mine
      .filter((i) => i.identity_id !== someone)
      .map((i) => ({ item: i.id, action: 'approve' as const, justification: 'bench' })),
  );
  log(`bulk decision of ${mine.length}: ${((performance.now() - t1) / 1000).toFixed(2)} s`);
  await ws.close();
  const max = Math.round(process.resourceUsage().maxRSS / 1024);
  log(`max rss ${max} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
