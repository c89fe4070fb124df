/** Benchmark: audit chain append and verify throughput on SQLite (targets 50k/s and 250k/s). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAudit } from '../src/audit/verify.js';
import { createStore } from '../src/store/create-store.js';
import type { AuditInput } from '../src/store/types.js';

const EVENTS = 200_000;
const BATCH = 2_000;

const event = (i: number): AuditInput => ({
  action: i % 3 === 0 ? 'entitlement.grant' : 'account.create',
  actor: 'rule:engineering-birthright',
  trigger: 'run:2026-11-26T18:52:15.123Z',
  target: `account:ldap/user${i}`,
  outcome: 'success',
  details: { entitlement: 'cn=engineers,ou=groups,dc=example,dc=com', attempt: 1, index: i },
});

export async function benchAudit(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-audit-'));
  const store = await createStore(`sqlite:${join(dir, 'bench.db')}`);
  try {
    await store.migrate();
    const batches = Array.from({ length: EVENTS / BATCH }, (_, b) =>
      Array.from({ length: BATCH }, (_, i) => event(b * BATCH + i)),
    );
    let t = performance.now();
    for (const batch of batches) await store.audit.append(batch);
    const appendSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const result = await verifyAudit(store);
    const verifySeconds = (performance.now() - t) / 1000;
    if (!result.ok || result.events !== EVENTS)
      throw new Error(`verify failed: ${JSON.stringify(result)}`);

    const figures = {
      events: EVENTS,
      append_batch: BATCH,
      append_per_s: Math.round(EVENTS / appendSeconds),
      verify_per_s: Math.round(EVENTS / verifySeconds),
    };
    console.log(
      `audit: append ${figures.append_per_s.toLocaleString('en')} events/s (batches of ${BATCH}), ` +
        `verify ${figures.verify_per_s.toLocaleString('en')} events/s over ${EVENTS.toLocaleString('en')} events`,
    );
    return figures;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
