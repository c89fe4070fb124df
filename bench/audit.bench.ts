/**
 * Benchmark: audit chain append and verify on SQLite, each beside its raw limit measured in the
 * same run over the same rows (bench/audit-raw.ts): a plain batched INSERT, a plain SHA-256
 * re-walk. Targets: verify ≥ 250,000 events/s, and both ≥ 0.9 of their raw limit.
 * Rounds alternate ours and raw and keep each side's best, so a burst of load from a neighbour
 * hurts one round, not one side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../src/audit/canonical-json.js';
import { GENESIS_HASH, hashEvent } from '../src/audit/chain-hash.js';
import { verifyAudit } from '../src/audit/verify.js';
import { createStore } from '../src/store/create-store.js';
import type { AuditEventsTable } from '../src/store/schema.js';
import type { AuditInput } from '../src/store/types.js';
import { rawInsertSeconds, rawVerifySeconds } from './audit-raw.js';
import { isMain } from './child.js';

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 200_000);
const BATCH = 2_000;
const ROUNDS = Number(process.env.BENCH_AUDIT_ROUNDS ?? 2);
const NOW = new Date('2026-11-26T18:52:15.123Z');

export type AuditFigures = {
  events: number;
  append_batch: number;
  rounds: number;
  append_per_s: number;
  raw_insert_per_s: number;
  verify_per_s: number;
  raw_verify_per_s: number;
};

const event = (i: number): AuditInput => ({
  action: i % 3 === 0 ? 'entitlement.grant' : 'account.create',
  actor: 'rule:engineering-birthright',
  trigger: 'run:2026-11-26T18:52:15.123Z',
  target: `account:ldap/user${i}`,
  outcome: 'success',
  details: { entitlement: 'cn=engineers,ou=groups,dc=example,dc=com', attempt: 1, index: i },
});

/** The rows our append stores for `inputs` (same clock), for the raw insert: built untimed. */
function storedRows(batches: AuditInput[][]): AuditEventsTable[][] {
  let seq = 0;
  let prev = GENESIS_HASH;
  return batches.map((batch) =>
    batch.map((e) => {
      const row = {
        seq: ++seq,
        ts: NOW.toISOString(),
        action: e.action,
        actor: e.actor,
        trigger: e.trigger,
        target: e.target,
        outcome: e.outcome,
        details: canonicalJson(e.details ?? {}),
        prev_hash: prev,
        hash: '',
      };
      row.hash = prev = hashEvent(row);
      return row;
    }),
  );
}

/** A migrated, empty store at a fresh path. */
async function freshStore(dir: string, name: string) {
  const path = join(dir, `${name}.db`);
  const store = await createStore(`sqlite:${path}`, { clock: () => NOW });
  await store.migrate();
  return { path, store };
}

type Round = { append: number; insert: number; verify: number; rawVerify: number };

async function round(dir: string, r: number, inputs: AuditInput[][], rows: AuditEventsTable[][]) {
  const ours = await freshStore(dir, `ours-${r}`);
  const raw = await freshStore(dir, `raw-${r}`);
  await raw.store.close(); // migrated by the store, filled by bare better-sqlite3
  try {
    let t = performance.now();
    for (const batch of inputs) await ours.store.audit.append(batch);
    const append = (performance.now() - t) / 1000;
    const insert = rawInsertSeconds(raw.path, rows);
    const head = await ours.store.audit.head();
    if (head.hash !== rows.at(-1)?.at(-1)?.hash)
      throw new Error('our append and the raw insert did not store the same rows');

    t = performance.now();
    const result = await verifyAudit(ours.store);
    const verify = (performance.now() - t) / 1000;
    if (!result.ok || result.events !== EVENTS)
      throw new Error(`verify failed: ${JSON.stringify(result)}`);
    const rawVerify = rawVerifySeconds(ours.path, EVENTS);
    return { append, insert, verify, rawVerify } satisfies Round;
  } finally {
    await ours.store.close();
  }
}

export async function benchAudit(): Promise<AuditFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-audit-'));
  try {
    const inputs = Array.from({ length: EVENTS / BATCH }, (_, b) =>
      Array.from({ length: BATCH }, (_, i) => event(b * BATCH + i)),
    );
    const rows = storedRows(inputs);
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) rounds.push(await round(dir, r, inputs, rows));
    const best = (k: keyof Round) => Math.round(EVENTS / Math.min(...rounds.map((x) => x[k])));
    const f: AuditFigures = {
      events: EVENTS,
      append_batch: BATCH,
      rounds: ROUNDS,
      append_per_s: best('append'),
      raw_insert_per_s: best('insert'),
      verify_per_s: best('verify'),
      raw_verify_per_s: best('rawVerify'),
    };
    const n = (x: number) => x.toLocaleString('en');
    console.log(
      `audit (${n(EVENTS)} events, best of ${ROUNDS} rounds): append ${n(f.append_per_s)}/s vs raw ` +
        `insert ${n(f.raw_insert_per_s)}/s; verify ${n(f.verify_per_s)}/s vs raw SHA-256 walk ` +
        `${n(f.raw_verify_per_s)}/s`,
    );
    return f;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `npx tsx bench/audit.bench.ts` runs it alone.
if (isMain(import.meta.url)) await benchAudit();
