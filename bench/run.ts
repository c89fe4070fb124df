/**
 * `npm run bench`: every benchmark (each scenario in its own process), then one table: each
 * figure, the raw limit measured in the same run, their ratio, the target. `BENCH_ONLY=core,plan`
 * runs a subset (names: core, plan, and the EXTRA list below); `BENCH_JSON=1` prints the rows as
 * JSON on stdout (everything else goes to stderr). See docs/benchmarks.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchAudit } from './audit.bench.js';
import { benchImportPlan, type ImportPlanFigures } from './import-plan.bench.js';
import { rawImportInsert } from './import-raw.js';
import { benchIncremental } from './incremental.bench.js';
import { benchPlanScale } from './plan-scale.bench.js';
import { benchReconcile } from './reconcile.bench.js';
import { formatTable, type Row, round2, speedRatio } from './table.js';
import { APPS, benchConfig, populate, writeWorkspace } from './workspace-fixture.js';

const IDENTITIES = Number(process.env.BENCH_IDENTITIES ?? 100_000);
const KEEP = process.env.BENCH_KEEP === '1';
const JSON_OUT = process.env.BENCH_JSON === '1';
const MB_LIMIT = 1024;
// With BENCH_JSON=1 stdout carries the JSON alone: the scenarios' own detail lines go to stderr.
const out = console.log;
if (JSON_OUT) console.log = console.error;

const rows: Row[] = [];
/** A row; `raw`/`ratio` stay null where no raw limit applies. */
const row = (r: Omit<Row, 'raw' | 'ratio'> & Partial<Pick<Row, 'raw' | 'ratio'>>) =>
  rows.push({
    name: r.name,
    figure: r.figure,
    raw: r.raw ?? null,
    ratio: r.ratio ?? null,
    target: r.target,
    ok: r.ok,
  });
const info = (name: string, figure: string) => row({ name, figure, target: '(info)', ok: null });

const s = (x: number) => `${x.toFixed(2)} s`;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const n = (x: number) => Math.round(x).toLocaleString('en');
const perS = (x: number) => `${n(x)} events/s`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const step = (what: string) => console.error(`[bench] ${what}`);

function importPlanRows(label: string, f: ImportPlanFigures, raw?: { rows: number; s: number }) {
  row({
    name: `full import + plan, ${label}`,
    figure: `${s(f.total_s)} (import ${s(f.import_s)} + plan ${s(f.plan_s)}; CPU ${s(f.cpu_s)}; ${n(f.ops)} ops)`,
    // The import's rows alone, inserted bare: what share of the import is storage (info).
    ...(raw && {
      raw: `bare insert of the import's ${n(raw.rows)} rows: ${s(raw.s)} (vs import ${s(f.import_s)})`,
      ratio: speedRatio(raw.s, f.import_s),
    }),
    target: '≤ 10 s',
    ok: f.total_s <= 10,
  });
  row({
    name: `peak memory (max RSS), ${label}`,
    figure: `${n(f.max_rss_mb)} MB`,
    target: '≤ 1 GB',
    ok: f.max_rss_mb <= MB_LIMIT,
  });
}

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'cpu',
  ram_mb: Math.round(totalmem() / 2 ** 20),
  node: process.version,
  platform: `${process.platform}/${process.arch}`,
  load_start: load(),
};
console.log(
  `machine: ${machine.cpus} × ${machine.cpu}, ${n(machine.ram_mb)} MB RAM, node ${machine.node} ` +
    `(${machine.platform}), load average ${machine.load_start}`,
);
const config = benchConfig() as { policies: unknown[]; applications: unknown[] };
const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-'));
const started = performance.now();
const only = process.env.BENCH_ONLY?.split(',').map((x) => x.trim());
const wanted = (name: string) => !only || only.includes(name);
const compact = (figures: unknown) =>
  Object.entries((figures ?? {}) as Record<string, unknown>)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : (v as number).toFixed(2)}`)
    .join(' ');
try {
  if (wanted('core')) {
    step(
      `workspace ${dir}: ${n(IDENTITIES)} identities, ${APPS} csv-export apps, ${config.policies.length} policies`,
    );
    writeWorkspace(dir, IDENTITIES);

    step('import + plan on an empty store (cold)…');
    const cold = await benchImportPlan('cold', dir);
    step('raw limit: bare insert of the rows the cold import stored…');
    const rawImport = await rawImportInsert(dir);
    importPlanRows('cold (empty store)', cold, { rows: rawImport.rows, s: rawImport.seconds });

    step('populating actual state (direct SQLite inserts + csv-export files)…');
    const populated = await populate(dir);
    console.log(
      `actual state: ${n(populated.accounts)} accounts, ${n(populated.entitlements)} entitlements ` +
        `(set up in ${s(populated.seconds)} by inserting desired state straight into SQLite and ` +
        `writing the csv-export files; no connector run, no audit events)`,
    );

    step('import + plan with actual state in place (steady state)…');
    const steady = await benchImportPlan('steady', dir);
    importPlanRows('steady state (daily job)', steady);

    step('incremental runs for one mover…');
    const inc = await benchIncremental(dir);
    const within50 = (x: number) => x <= 50;
    row({
      name: `incremental run, one mover (${inc.iterations} runs, ${inc.ops_per_run} ops each) p50`,
      figure: ms(inc.apply_p50_ms),
      target: '≤ 50 ms',
      ok: within50(inc.apply_p50_ms),
    });
    row({
      name: 'incremental run p99',
      figure: ms(inc.apply_p99_ms),
      target: '≤ 50 ms',
      ok: within50(inc.apply_p99_ms),
    });
    info('  p99 of the runs after the first', ms(inc.apply_p99_warm_ms));
    info('  first run (a fresh process: csv-export loads its files)', ms(inc.apply_first_ms));
    info('  of which csv-export connectors, p50', ms(inc.connector_p50_ms));
    info(
      '  the rest (plan, store, audit, checkpoint) p50 / p99',
      `${ms(inc.engine_p50_ms)} / ${ms(inc.engine_p99_ms)}`,
    );
    info('  1-row partial import before each run, p50', ms(inc.import_p50_ms));
    info('  peak memory of the incremental process', `${n(inc.max_rss_mb)} MB`);

    step('reconciliation of the largest application, twice…');
    const rec = await benchReconcile(dir);
    row({
      name: `reconcile ${rec.app}: ${n(rec.accounts)} accounts (csv-export read, correlate, store)`,
      figure: `${s(rec.first_s)} (read ${s(rec.read_s)}, correlate ${s(rec.correlate_s)}, store ${s(rec.store_s)})`,
      target: '≤ 30 s',
      ok: rec.first_s <= 30,
    });
    info('  re-run with nothing changed', s(rec.rerun_s));

    step('audit append and verify, beside their raw limits…');
    const audit = await benchAudit();
    const appendRatio = round2(audit.append_per_s / audit.raw_append_per_s);
    row({
      name: `audit append (${n(audit.events)} events, batches of ${audit.append_batch})`,
      figure: perS(audit.append_per_s),
      raw: `bare better-sqlite3 + SHA-256 append of the same events: ${perS(audit.raw_append_per_s)} (CPU-time ratio ${audit.append_cpu_ratio})`,
      ratio: appendRatio,
      target: '≥ 0.9 × raw',
      ok: appendRatio >= 0.9,
    });
    const verifyRatio = round2(audit.verify_per_s / audit.raw_verify_per_s);
    row({
      name: `audit verify (${n(audit.events)} events)`,
      figure: perS(audit.verify_per_s),
      raw: `plain SHA-256 re-walk of the same rows: ${perS(audit.raw_verify_per_s)}`,
      ratio: verifyRatio,
      target: '≥ 250,000/s and ≥ 0.9 × raw',
      ok: audit.verify_per_s >= 250_000 && verifyRatio >= 0.9,
    });
  }

  if (wanted('plan')) {
    step(`planner alone at scale (${n(IDENTITIES)} identities, 20 policies, 30 apps)…`);
    const p = await benchPlanScale(IDENTITIES);
    const detail = `${n(p.desired_accounts)} accounts, ${n(p.entitlements)} entitlements`;
    row({
      name: `planner: desiredState + plan, steady with churn (${detail})`,
      figure: `${s(p.desired_s + p.plan_steady_s)} (desired ${s(p.desired_s)} + plan ${s(p.plan_steady_s)}; ${n(p.steady_ops)} ops)`,
      target: '≤ 10 s',
      ok: p.desired_s + p.plan_steady_s <= 10,
    });
    row({
      name: 'planner: desiredState + plan, cold (everything created)',
      figure: `${s(p.desired_s + p.plan_cold_s)} (plan ${s(p.plan_cold_s)}; ${n(p.cold_ops)} ops)`,
      target: '≤ 30 s',
      ok: p.desired_s + p.plan_cold_s <= 30,
    });
    info('  planner CPU / peak memory', `${s(p.cpu_s)} / ${n(p.max_rss_mb)} MB`);
  }
} finally {
  if (KEEP) console.log(`workspace kept: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

type Figures = Record<string, number>;
/** Rows of the ldap scenario: ours vs one ldapmodify of the same writes, and the read. */
const ldapRows = (f: Figures) => {
  const ratio = f.ldap_vs_ldapmodify_ratio!;
  row({
    name: `ldap (slapd): ${n(f.ldap_joiners!)} joiners, account + 2 groups`,
    figure: `${s(f.ldap_joiners_s!)} (${n(f.ldap_writes!)} write requests)`,
    raw: `one ldapmodify of the same ${n(f.ldapmodify_writes!)} writes: ${s(f.ldapmodify_s!)}`,
    ratio,
    target: '≥ 1.0 × raw',
    ok: ratio >= 1,
  });
  row({
    name: `ldap read() of ${n(f.ldap_read_entries!)} accounts`,
    figure: s(f.ldap_read_s!),
    target: '≤ 30 s',
    ok: f.ldap_read_s! <= 30,
  });
};

/** Rows of the identity search: each database beside the same SQL on its bare driver. */
const searchRows = (f: Figures & { by_kind?: Record<string, string> }) => {
  const db = (label: string, key: 'sqlite' | 'postgres', raw: string) => {
    const p50 = f[`${key}_p50_ms`];
    const p99 = f[`${key}_p99_ms`];
    if (p50 === undefined || p99 === undefined) return;
    row({
      name: `identity search over ${n(f.identities!)} identities, ${label}: page of 50 + total (p50 / p99, ${n(f.samples!)} queries)`,
      figure: `${ms(p50)} / ${ms(p99)}`,
      raw: `the same SQL on bare ${raw}: ${ms(f[`${key}_raw_p50_ms`]!)} / ${ms(f[`${key}_raw_p99_ms`]!)}`,
      ratio: speedRatio(f[`${key}_raw_p99_ms`]!, p99),
      target: 'p99 ≤ 50 ms',
      ok: p99 <= 50,
    });
  };
  db('SQLite', 'sqlite', 'better-sqlite3');
  info(
    '  p50 by query, ours / raw (ms)',
    Object.entries(f.by_kind ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join('; '),
  );
  info('  without the indexes: LIKE over every row (SQLite, p50)', ms(f.sqlite_scan_ms!));
  db('PostgreSQL', 'postgres', 'pg');
};

/**
 * The benchmarks of the other capabilities print their own detail; here each adds its rows (one
 * compact information row unless it has its own).
 */
const EXTRA: [string, string, () => Promise<unknown>, ((f: Figures) => void)?][] = [
  [
    'ldap',
    'slapd: joiners vs one ldapmodify of the same writes ≥ 1.0; read 100k ≤ 30 s',
    async () => (await import('./ldap.bench.js')).benchLdap(),
    ldapRows,
  ],
  [
    'ad',
    'Samba AD joiners vs ldapadd (report)',
    async () => (await import('./ldap-ad.bench.js')).benchAd(),
  ],
  [
    'scim',
    '5,000 joiners: ops/s and ratio to raw server load',
    async () => (await import('./scim.bench.js')).benchScim(),
  ],
  [
    'http',
    'list/detail at 500 req/s: p99 ≤ 20 ms',
    async () => (await import('./http.bench.js')).benchHttp(),
  ],
  [
    'search',
    'identity search, page + total: p99 ≤ 50 ms (PostgreSQL too with TENURE_BENCH_PG_URL)',
    async () => (await import('./identity-search.bench.js')).benchIdentitySearch(),
    searchRows as (f: Figures) => void,
  ],
  [
    'webhook',
    'webhook ⟶ plan p99 ≤ 100 ms',
    async () => (await import('./webhook.bench.js')).benchWebhook(),
  ],
  [
    'hr-webhook',
    'BambooHR webhook ⟶ plan p99 ≤ 100 ms',
    async () => (await import('./hr-webhook.bench.js')).benchHrWebhook(),
  ],
  [
    'agent',
    'webhook ⟶ disabled via agent p50 ≤ 1 s, p99 ≤ 3 s; ≥ 80 % of direct',
    async () => (await import('./agent.bench.js')).benchAgent(),
  ],
];
for (const [name, target, run, toRows] of EXTRA) {
  if (!wanted(name)) continue;
  step(`${name}…`);
  try {
    const figures = await run();
    if (toRows) toRows(figures as Figures);
    else row({ name, figure: compact(figures), target, ok: null });
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    row({ name, figure: `did not run: ${why}`, target, ok: false });
  }
}

const scale = wanted('core') || wanted('plan') ? `${n(IDENTITIES)} identities on SQLite; ` : '';
const footer =
  `${scale}wall times (CPU time alongside: the difference is waiting for a core). Ratios ` +
  `compare with the raw limit measured in this same run. Load average at the end ${load()}; ` +
  `whole bench ${s((performance.now() - started) / 1000)}.`;
if (JSON_OUT) {
  out(JSON.stringify({ machine: { ...machine, load_end: load() }, identities: IDENTITIES, rows }));
} else {
  console.log(`\n${formatTable(rows)}\n\n${footer}`);
}
