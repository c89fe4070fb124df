/**
 * Benchmark: the console's identity search (`GET /api/v1/identities?q=&department=`, the store
 * calls its route makes: a page of 50 and the total) over 100,000 identities, on SQLite and — when
 * TENURE_BENCH_PG_URL (or TENURE_TEST_PG_URL) names a server — PostgreSQL. Beside each, the raw
 * limit measured in the same run: the same SQL as prepared statements on the bare driver
 * (better-sqlite3, pg). Also, for scale, the search a store without the indexes would do (LIKE
 * over every row's JSON). Target: p99 ≤ 20 ms. Run alone: `npx tsx bench/identity-search.bench.ts`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { HrRecord } from '../src/domain/types.js';
import { createStore } from '../src/store/create-store.js';
import { prefixEnd, SEARCH_COLUMNS, searchWords } from '../src/store/identity-search.js';
import type { Store } from '../src/store/types.js';
import { isMain } from './child.js';
import { quantile } from './quantile.js';
import { syntheticOrg } from './synthetic-org.js';

const IDENTITIES = Number(process.env.BENCH_IDENTITIES ?? 100_000);
const SAMPLES = Number(process.env.BENCH_SEARCH_SAMPLES ?? 300);
const PAGE = 50;

export type SearchFigures = {
  identities: number;
  samples: number;
  sqlite_p50_ms: number;
  sqlite_p99_ms: number;
  sqlite_raw_p50_ms: number;
  sqlite_raw_p99_ms: number;
  /** Information: one count over a LIKE on every row's JSON, what a search without indexes costs. */
  sqlite_scan_ms: number;
  postgres_p50_ms?: number;
  postgres_p99_ms?: number;
  postgres_raw_p50_ms?: number;
  postgres_raw_p99_ms?: number;
  /** p50 by kind of query (name, full name, email, id, department): ours, then raw. */
  by_kind: Record<string, string>;
  postgres_by_kind?: Record<string, string>;
};

type Query = { kind: string; q?: string; department?: string };

/** What people type: a name's first letters, first name and a bit of the last, an email, an id. */
function queries(records: HrRecord[]): Query[] {
  let x = 7;
  const next = () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return records[x % records.length]!;
  };
  const out: Query[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const r = next();
    switch (i % 5) {
      case 0:
        out.push({ kind: 'name', q: r.last_name.slice(0, 3) });
        break;
      case 1:
        out.push({ kind: 'full name', q: `${r.first_name} ${r.last_name.slice(0, 2)}` });
        break;
      case 2:
        out.push({ kind: 'email', q: r.email.slice(0, r.email.indexOf('@')) });
        break;
      case 3:
        out.push({ kind: 'id', q: r.employee_id.slice(0, 5) });
        break;
      default:
        out.push({ kind: 'department', department: r.department });
    }
  }
  return out;
}

async function seed(store: Store, records: HrRecord[]): Promise<void> {
  await store.migrate();
  const at = '2026-11-26T09:00:00.000Z';
  for (let i = 0; i < records.length; i += 5000) {
    await store.identities.save(
      records.slice(i, i + 5000).map((r) => ({
        identity: {
          id: r.employee_id,
          source_id: 'hr',
          attributes: r,
          status: r.status,
          missing_from_source: false,
          updated_at: at,
        },
        events: ['joiner'],
      })),
      at,
    );
  }
}

/** What the route does: a page (limit + 1) and the total, at once. */
const ours = (store: Store, q: Query) => {
  const f = {
    ...(q.q !== undefined && { q: q.q }),
    ...(q.department && { department: q.department }),
  };
  return Promise.all([
    store.browse.identityRows({ ...f, limit: PAGE + 1 }),
    store.browse.countIdentities(f),
  ]);
};

/**
 * The same SQL as plain text and its parameters (`?` or `$n` placeholders): the page, and the
 * count (a search alone counts its id sets, intersected, as the store does).
 */
function rawSql(q: Query, placeholder: (i: number) => string) {
  const { where, params, sets } = rawWhere(q, placeholder);
  const page = `select * from identities where ${where} order by id limit ${PAGE + 1}`;
  const count =
    sets.length > 0
      ? `select count(distinct id) as n from (${sets.map((u) => `select id from (${u}) as m`).join(' intersect ')}) as x`
      : `select count(*) as n from identities where ${where}`;
  return { page, count, params };
}

/** The filter as SQL text; each word's id set (UNION ALL of index ranges) in `sets`. */
function rawWhere(q: Query, placeholder: (i: number) => string) {
  const params: string[] = [];
  const p = (v: string) => {
    params.push(v);
    return placeholder(params.length);
  };
  if (q.department !== undefined)
    return { where: `department = ${p(q.department)}`, params, sets: [] as string[] };
  const range = (c: string, w: string) => `${c} >= ${p(w)} and ${c} < ${p(prefixEnd(w)!)}`;
  const sets = searchWords(q.q ?? '').map((w) =>
    SEARCH_COLUMNS.map((c) => `select id from identities where ${range(c, w)}`).join(' union all '),
  );
  const groups = sets.map((u) => `id in (${u})`);
  return { where: groups.join(' and '), params, sets };
}

type Timing = { p50: number; p99: number; byKind: Record<string, number> };

const summary = (ms: number[], kinds: string[]): Timing => {
  const byKind: Record<string, number[]> = {};
  ms.forEach((t, i) => {
    (byKind[kinds[i]!] ??= []).push(t);
  });
  return {
    p50: quantile(ms, 0.5),
    p99: quantile(ms, 0.99),
    byKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, quantile(v, 0.5)])),
  };
};

/**
 * Each sample through ours, then through the raw driver, alternating: both sides meet the same
 * state of the database (a WAL still to checkpoint, pages not yet cached) and the same load.
 */
async function timeBoth(
  samples: Query[],
  mine: (q: Query) => Promise<unknown>,
  raw: (q: Query) => Promise<unknown>,
): Promise<{ mine: Timing; raw: Timing }> {
  for (const q of samples.slice(0, 20)) {
    await mine(q); // warm the caches and statements
    await raw(q);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (const q of samples) {
    let t0 = performance.now();
    await mine(q);
    a.push(performance.now() - t0);
    t0 = performance.now();
    await raw(q);
    b.push(performance.now() - t0);
  }
  const kinds = samples.map((q) => q.kind);
  return { mine: summary(a, kinds), raw: summary(b, kinds) };
}

async function sqliteFigures(records: HrRecord[], samples: Query[]) {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-search-bench-'));
  const path = join(dir, 'store.db');
  const store = await createStore(`sqlite:${path}`);
  try {
    await seed(store, records);
    const db = new Database(path, { readonly: true });
    try {
      const { mine, raw } = await timeBoth(
        samples,
        (q) => ours(store, q),
        async (q) => {
          const { page, count, params } = rawSql(q, () => '?');
          db.prepare(page).all(...params);
          db.prepare(count).get(...params);
        },
      );
      const scans: number[] = [];
      for (const q of samples.slice(0, 25)) {
        const needle = `%${(q.q ?? q.department ?? '').toLowerCase()}%`;
        const t0 = performance.now();
        db.prepare('select count(*) as n from identities where lower(attributes) like ?').get(
          needle,
        );
        scans.push(performance.now() - t0);
      }
      const scan = { p50: quantile(scans, 0.5) };
      return { mine, raw, scan };
    } finally {
      db.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresFigures(adminUrl: string, records: HrRecord[], samples: Query[]) {
  const name = `tenure_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Our own hex name: safe in DDL, which takes no parameters.
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    const store = await createStore(url.toString());
    try {
      await seed(store, records);
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        const { mine, raw } = await timeBoth(
          samples,
          (q) => ours(store, q),
          async (q) => {
            const { page, count, params } = rawSql(q, (i) => `$${i}`);
            await Promise.all([client.query(page, params), client.query(count, params)]);
          },
        );
        return { mine, raw };
      } finally {
        await client.end();
      }
    } finally {
      await store.close();
    }
  } finally {
    // pg's Pool.end() resolves before its sockets close: let them, then drop.
    await new Promise((r) => setTimeout(r, 200));
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

const f = (x: number) => Math.round(x * 100) / 100;
/** `ours / raw` p50 in ms by kind of query. */
const kinds = (mine: Timing, raw: Timing) =>
  Object.fromEntries(
    Object.entries(mine.byKind).map(([k, v]) => [k, `${f(v)} / ${f(raw.byKind[k] ?? NaN)}`]),
  );

export async function benchIdentitySearch(): Promise<SearchFigures> {
  const records = syntheticOrg(IDENTITIES);
  const samples = queries(records);
  const lite = await sqliteFigures(records, samples);
  const figures: SearchFigures = {
    identities: IDENTITIES,
    samples: SAMPLES,
    sqlite_p50_ms: f(lite.mine.p50),
    sqlite_p99_ms: f(lite.mine.p99),
    sqlite_raw_p50_ms: f(lite.raw.p50),
    sqlite_raw_p99_ms: f(lite.raw.p99),
    sqlite_scan_ms: f(lite.scan.p50),
    by_kind: kinds(lite.mine, lite.raw),
  };
  const pgUrl = process.env.TENURE_BENCH_PG_URL ?? process.env.TENURE_TEST_PG_URL;
  if (pgUrl) {
    const p = await postgresFigures(pgUrl, records, samples);
    figures.postgres_p50_ms = f(p.mine.p50);
    figures.postgres_p99_ms = f(p.mine.p99);
    figures.postgres_raw_p50_ms = f(p.raw.p50);
    figures.postgres_raw_p99_ms = f(p.raw.p99);
    figures.postgres_by_kind = kinds(p.mine, p.raw);
  }
  console.log(JSON.stringify(figures, null, 2));
  return figures;
}

if (isMain(import.meta.url)) await benchIdentitySearch();
