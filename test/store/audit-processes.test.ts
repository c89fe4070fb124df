/** Several processes appending to one store at once still build a single unbroken chain. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/audit/verify.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('../support/append-worker.ts', import.meta.url));

describe.each(testDialects())('audit appends from several processes (%s)', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(dialect);
  });
  afterAll(() => t.cleanup());

  it('4 processes x 15 batches x 20 events verify as one chain', async () => {
    await Promise.all(
      [1, 2, 3, 4].map((w) =>
        run(process.execPath, ['--import', 'tsx', WORKER, t.url, String(w), '15'], {
          timeout: 60_000,
        }),
      ),
    );
    expect(await verifyAudit(t.store)).toMatchObject({ ok: true, events: 4 * 15 * 20 });
    // Each batch landed contiguously: one transaction per append.
    const seen = new Map<string, number[]>();
    for await (const e of t.store.audit.iterate()) {
      const list = seen.get(e.actor + e.trigger) ?? [];
      list.push(e.seq);
      seen.set(e.actor + e.trigger, list);
    }
    for (const seqs of seen.values()) expect(seqs.at(-1)! - seqs[0]!).toBe(19);
  });
});
