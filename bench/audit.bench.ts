/**
 * Benchmark: audit chain append and verify on SQLite, each beside its raw limit measured in the
 * same run over the same events (bench/audit-raw.ts): the same chain appended by bare
 * better-sqlite3 + node:crypto (details serialised and hashed inside the timing, as ours does),
 * a plain SHA-256 re-walk. Targets: verify ≥ 250,000 events/s, and both ≥ 0.9 of their raw limit.
 * Rounds alternate ours and raw and keep each side's best, so a burst of load from a neighbour
 * hurts one round, not one side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAudit } from '../src/audit/verify.js';
import { createStore } from '../src/store/create-store.js';
import type { AuditInput } from '../src/store/types.js';
import { type RawEvent, rawAppendSeconds, rawVerifySeconds } from './audit-raw.js';
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
  raw_append_per_s: number;
  /** Information: raw CPU seconds ÷ ours (best rounds), steadier than wall time under load. */
  append_cpu_ratio: number;
  verify_per_s: number;
  raw_verify_per_s: number;
};

const event = (i: number): AuditInput & RawEvent => ({
  action: i % 3 === 0 ? 'entitlement.grant' : 'account.create',
  actor: 'rule:engineering-birthright',
  trigger: 'run:2026-11-26T18:52:15.123Z',
  target: `account:ldap/user${i}`,
  outcome: 'success',
  details: { entitlement: 'cn=engineers,ou=groups,dc=example,dc=com', attempt: 1, index: i },
});

/** A migrated, empty store at a fresh path. */
async function freshStore(dir: string, name: string) {
  const path = join(dir, `${name}.db`);
  const store = await createStore(`sqlite:${path}`, { clock: () => NOW });
  await store.migrate();
  return { path, store };
}

type Round = {
  append: number;
  rawAppend: number;
  appendCpu: number;
  rawAppendCpu: number;
  verify: number;
  rawVerify: number;
};

/** Seconds of this process's CPU time (user + system) since `from`. */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
};

async function round(dir: string, r: number, inputs: (AuditInput & RawEvent)[][]) {
  const ours = await freshStore(dir, `ours-${r}`);
  const raw = await freshStore(dir, `raw-${r}`);
  await raw.store.close(); // migrated by the store, filled by bare better-sqlite3
  try {
    let t = performance.now();
    let cpu = process.cpuUsage();
    for (const batch of inputs) await ours.store.audit.append(batch);
    const append = (performance.now() - t) / 1000;
    const appendCpu = cpuSince(cpu);
    cpu = process.cpuUsage();
    const rawAppend = rawAppendSeconds(raw.path, inputs, NOW.toISOString());
    const rawAppendCpu = cpuSince(cpu);
    const head = await ours.store.audit.head();
    if (head.hash !== rawAppend.head)
      throw new Error('our append and the raw append did not store the same chain');

    t = performance.now();
    const result = await verifyAudit(ours.store);
    const verify = (performance.now() - t) / 1000;
    if (!result.ok || result.events !== EVENTS)
      throw new Error(`verify failed: ${JSON.stringify(result)}`);
    const rawVerify = rawVerifySeconds(ours.path, EVENTS);
    const rawSeconds = rawAppend.seconds;
    return {
      append,
      rawAppend: rawSeconds,
      appendCpu,
      rawAppendCpu,
      verify,
      rawVerify,
    } satisfies Round;
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
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) rounds.push(await round(dir, r, inputs));
    const best = (k: keyof Round) => Math.round(EVENTS / Math.min(...rounds.map((x) => x[k])));
    const f: AuditFigures = {
      events: EVENTS,
      append_batch: BATCH,
      rounds: ROUNDS,
      append_per_s: best('append'),
      raw_append_per_s: best('rawAppend'),
      append_cpu_ratio: Math.round((100 * best('appendCpu')) / best('rawAppendCpu')) / 100,
      verify_per_s: best('verify'),
      raw_verify_per_s: best('rawVerify'),
    };
    const n = (x: number) => x.toLocaleString('en');
    console.log(
      `audit (${n(EVENTS)} events, best of ${ROUNDS} rounds): append ${n(f.append_per_s)}/s vs raw ` +
        `append ${n(f.raw_append_per_s)}/s (CPU-time ratio ${f.append_cpu_ratio.toFixed(2)}); verify ${n(f.verify_per_s)}/s vs raw SHA-256 walk ` +
        `${n(f.raw_verify_per_s)}/s`,
    );
    return f;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `npx tsx bench/audit.bench.ts` runs it alone.
if (isMain(import.meta.url)) await benchAudit();
