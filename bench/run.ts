/** `npm run bench`: every benchmark (each scenario in its own process), then one table of figures vs targets. */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchAudit } from './audit.bench.js';
import { benchImportPlan, type ImportPlanFigures } from './import-plan.bench.js';
import { benchIncremental } from './incremental.bench.js';
import { APPS, benchConfig, populate, writeWorkspace } from './workspace-fixture.js';

const IDENTITIES = Number(process.env.BENCH_IDENTITIES ?? 100_000);
const KEEP = process.env.BENCH_KEEP === '1';
const MB_LIMIT = 1024;

type Row = { name: string; figure: string; target: string; ok: boolean | null };
const rows: Row[] = [];
const row = (name: string, figure: string, target: string, ok: boolean | null) =>
  rows.push({ name, figure, target, ok });

const s = (x: number) => `${x.toFixed(2)} s`;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const n = (x: number) => Math.round(x).toLocaleString('en');
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const step = (what: string) => console.error(`[bench] ${what}`);

function importPlanRows(label: string, f: ImportPlanFigures): void {
  row(
    `full import + plan, ${label}`,
    `${s(f.total_s)} (import ${s(f.import_s)} + plan ${s(f.plan_s)}; CPU ${s(f.cpu_s)}; ${n(f.ops)} ops)`,
    '≤ 10 s',
    f.total_s <= 10,
  );
  row(
    `peak memory (max RSS), ${label}`,
    `${n(f.max_rss_mb)} MB`,
    '≤ 1 GB',
    f.max_rss_mb <= MB_LIMIT,
  );
}

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${n(totalmem() / 2 ** 20)} MB RAM, ` +
    `node ${process.version} (${process.platform}/${process.arch}), load average ${load()}`,
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
    importPlanRows('cold (empty store)', cold);

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
    const incTarget = (x: number) => x <= 50;
    row(
      `incremental run, one mover (${inc.iterations} runs, ${inc.ops_per_run} ops each) p50`,
      ms(inc.apply_p50_ms),
      '≤ 50 ms',
      incTarget(inc.apply_p50_ms),
    );
    row('incremental run p99', ms(inc.apply_p99_ms), '≤ 50 ms', incTarget(inc.apply_p99_ms));
    row('  p99 of the runs after the first', ms(inc.apply_p99_warm_ms), '(info)', null);
    row(
      '  first run (a fresh process: csv-export loads its files)',
      ms(inc.apply_first_ms),
      '(info)',
      null,
    );
    row('  of which csv-export connectors, p50', ms(inc.connector_p50_ms), '(info)', null);
    row(
      '  the rest (plan, store, audit, checkpoint) p50 / p99',
      `${ms(inc.engine_p50_ms)} / ${ms(inc.engine_p99_ms)}`,
      '(info)',
      null,
    );
    row('  1-row partial import before each run, p50', ms(inc.import_p50_ms), '(info)', null);
    row('  peak memory of the incremental process', `${n(inc.max_rss_mb)} MB`, '(info)', null);

    step('audit append and verify…');
    const audit = await benchAudit();
    row(
      `audit append (batches of ${audit.append_batch})`,
      `${n(audit.append_per_s ?? 0)} events/s`,
      '≥ 50,000/s',
      (audit.append_per_s ?? 0) >= 50_000,
    );
    row(
      'audit verify',
      `${n(audit.verify_per_s ?? 0)} events/s`,
      '≥ 250,000/s',
      (audit.verify_per_s ?? 0) >= 250_000,
    );
  }
} finally {
  if (KEEP) console.log(`workspace kept: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/**
 * The benchmarks of the other capabilities print their own detail; here each adds one summary row.
 * `BENCH_ONLY=ldap,scim npm run bench` runs a subset (names below; `core` is the table above).
 */
const EXTRA: [string, string, () => Promise<unknown>][] = [
  [
    'ldap',
    'slapd: 10k joiners vs ldapadd ≥ 1.0; read 100k ≤ 30 s',
    async () => (await import('./ldap.bench.js')).benchLdap(),
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
for (const [name, target, run] of EXTRA) {
  if (!wanted(name)) continue;
  step(`${name}…`);
  try {
    const figures = await run();
    row(name, compact(figures), target, null);
  } catch (e) {
    row(name, `did not run: ${(e as Error).message.split('\n')[0]}`, target, false);
  }
}

const widths = [0, 1, 2].map((i) =>
  Math.max(
    ...rows.map((r) => [r.name, r.figure, r.target][i]!.length),
    ['benchmark', 'measured', 'target'][i]!.length,
  ),
);
const line = (cells: string[]) =>
  `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log();
console.log(line(['benchmark', 'measured', 'target']) + ' result |');
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|--------|`);
for (const r of rows) {
  const result = r.ok === null ? '' : r.ok ? 'ok' : 'MISSED';
  console.log(`${line([r.name, r.figure, r.target])} ${result.padEnd(6)} |`);
}
console.log(
  `\n${n(IDENTITIES)} identities on SQLite; wall times (CPU time alongside: the difference is ` +
    `waiting for a core). Load average at the end ${load()}; whole bench ${s((performance.now() - started) / 1000)}.`,
);
