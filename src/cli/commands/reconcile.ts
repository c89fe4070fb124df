/** reconcile, and report orphans|drift|missing|ambiguous|unmanaged from the stored reconciliations. */

import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { TenureError } from '../../domain/errors.js';
import type { FindingKind } from '../../domain/reconcile.js';
import {
  type ReconcileProgress,
  type ReconcileResult,
  reconcile,
} from '../../engine/reconcile/reconcile.js';
import type { Workspace } from '../../engine/workspace.js';
import type { ReconciliationRow, StoredFinding } from '../../store/reconcile-repo.js';
import { adminActor, type GlobalOptions, withWorkspace } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { addExamples, type CommandExamples } from '../help-examples.js';
import { type Out, table } from '../output.js';

const REPORTS: { name: string; kind: FindingKind; description: string }[] = [
  {
    name: 'orphans',
    kind: 'orphan',
    description: 'accounts with no identity, or whose identity left while still enabled',
  },
  {
    name: 'drift',
    kind: 'drift',
    description: 'entitlements no policy, request or exception justifies (privilege creep)',
  },
  {
    name: 'missing',
    kind: 'missing',
    description: 'desired accounts the target does not have (to provision)',
  },
  {
    name: 'ambiguous',
    kind: 'ambiguous',
    description: 'accounts the correlation rules match to several identities',
  },
  {
    name: 'unmanaged',
    kind: 'unmanaged',
    description: 'enabled accounts of people no policy or grant gives one',
  },
];

export const REPORT_CSV_COLUMNS = [
  'reconciled_at',
  'reconciliation_id',
  'app_id',
  'kind',
  'reason',
  'account_id',
  'identity_id',
  'entitlement_id',
  'enabled',
  'privileged',
  'new',
  'details',
] as const;

const EXAMPLES: CommandExamples = {
  'tenure reconcile': [
    'tenure -w tenure-demo reconcile',
    'tenure -w tenure-demo reconcile --app directory --json',
  ],
  'tenure report': [
    'tenure -w tenure-demo report orphans',
    'tenure -w tenure-demo report drift --app directory',
  ],
  ...Object.fromEntries(
    REPORTS.map(({ name }) => [
      `tenure report ${name}`,
      [
        `tenure -w tenure-demo report ${name}`,
        `tenure -w tenure-demo report ${name} --app directory --csv > ${name}.csv`,
      ],
    ]),
  ),
};

export function registerReconcile(program: Command, g: () => GlobalOptions): void {
  program
    .command('reconcile')
    .description(
      'read what targets really hold, correlate it to identities, record findings (changes no target)',
    )
    .option('--app <id>', 'this application only (default: every readable one)')
    .option(
      '--allow-empty',
      'accept a target that reads back empty although Tenure knows accounts in it',
    )
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const progress = progressBars(out);
        let r: ReconcileResult;
        try {
          r = await reconcile(ws, {
            appId: o.app,
            actor: adminActor(g()),
            allowEmpty: o.allowEmpty,
            onProgress: progress.update,
          });
        } finally {
          progress.stop();
        }
        out.result(r, () => printReconcile(out, r));
        if (r.apps.some((a) => a.status === 'failed')) process.exitCode = EXIT.partial;
      }),
    );

  const report =
    program.commands.find((c) => c.name() === 'report') ??
    program.command('report').description('reports from stored evidence');
  for (const { name, kind, description } of REPORTS) {
    report
      .command(name)
      .description(`${description}, from the latest reconciliation of each application`)
      .option('--app <id>', 'this application only')
      .option('--json', 'machine-readable output')
      .option('--csv', 'CSV (RFC 4180) for a spreadsheet')
      .action(async (o) => {
        if (o.json && o.csv)
          throw new TenureError('cli.bad_format', 'choose one of --json and --csv');
        await withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
          const { runs, findings, failedSince } = await latestFindings(ws, kind, o.app);
          if (o.csv) process.stdout.write(findingsCsv(runs, findings));
          else
            out.result({ kind, reconciliations: runs, findings }, () =>
              printReport(out, kind, runs, findings),
            );
          for (const f of failedSince)
            process.stderr.write(
              `warning: the last reconciliation of ${f.app_id} (${f.finished_at}) failed: ${f.error}\n`,
            );
        });
      });
  }
  addExamples(program, EXAMPLES);
}

/** One bar per application and phase, on a TTY only (Out.progress decides). */
function progressBars(out: Out) {
  let current: { key: string; bar: ReturnType<Out['progress']> } | undefined;
  return {
    update(p: ReconcileProgress) {
      const key = `${p.app_id} ${p.phase}`;
      if (current?.key !== key) {
        current?.bar.stop();
        current = { key, bar: out.progress(key) };
      }
      current.bar.update(p.done, p.total);
    },
    stop: () => current?.bar.stop(),
  };
}

async function latestFindings(ws: Workspace, kind: FindingKind, appId: string | undefined) {
  if (appId !== undefined && !ws.config.applications.some((a) => a.id === appId))
    throw new TenureError('app.not_found', `unknown application "${appId}"`);
  const filter = appId === undefined ? {} : { appId };
  const runs = await ws.store.reconciliations.latest(filter);
  const failed = await ws.store.reconciliations.latest({ ...filter, status: 'failed' });
  const done = new Map(runs.map((r) => [r.app_id, r.id]));
  const failedSince = failed.filter((f) => f.id > (done.get(f.app_id) ?? 0));
  const findings: StoredFinding[] = [];
  for (const r of runs)
    for (const f of await ws.store.reconciliations.findings(r.id, kind)) findings.push(f);
  return { runs, findings, failedSince };
}

const cell = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

export function findingsCsv(runs: ReconciliationRow[], findings: StoredFinding[]): string {
  const at = new Map(runs.map((r) => [r.id, r.finished_at]));
  return stringify(
    findings.map((f) => [
      at.get(f.reconciliation_id) ?? '',
      f.reconciliation_id,
      f.app_id,
      f.kind,
      f.reason,
      f.account_id,
      cell(f.identity_id),
      cell(f.entitlement_id),
      cell(f.details.enabled),
      cell(f.details.privileged),
      String(f.is_new),
      JSON.stringify(f.details),
    ]),
    { header: true, columns: [...REPORT_CSV_COLUMNS], record_delimiter: 'windows' },
  );
}

function printReport(
  out: Out,
  kind: FindingKind,
  runs: ReconciliationRow[],
  findings: StoredFinding[],
) {
  if (runs.length === 0) {
    out.line('No stored reconciliation yet: run "tenure reconcile" first.');
    return;
  }
  for (const r of runs) out.line(`${r.app_id}: reconciliation #${r.id} at ${r.finished_at}`);
  out.line();
  if (findings.length > 0) {
    out.line(
      table([
        ['APP', 'ACCOUNT', 'IDENTITY', 'ENTITLEMENT', 'REASON', 'ENABLED', 'NEW'],
        ...findings.map((f) => [
          f.app_id,
          f.account_id,
          f.identity_id ?? '-',
          f.entitlement_id ?? '-',
          f.reason,
          cell(f.details.enabled),
          f.is_new ? 'new' : '',
        ]),
      ]),
    );
  }
  out.line(`${findings.length} ${kind} finding${findings.length === 1 ? '' : 's'}`);
}

function printReconcile(out: Out, r: ReconcileResult) {
  out.line(
    table([
      [
        'APP',
        'STATUS',
        'ACCOUNTS',
        'LINKED',
        'ORPHANS',
        'DRIFT',
        'MISSING',
        'AMBIGUOUS',
        'UNMANAGED',
        'NEW',
      ],
      ...r.apps.map((a) => {
        const c = a.counts;
        const n = a.new_findings ? Object.values(a.new_findings).reduce((x, y) => x + y, 0) : 0;
        return c
          ? [
              a.app_id,
              a.status,
              c.accounts,
              c.linked,
              c.orphan,
              c.drift,
              c.missing,
              c.ambiguous,
              c.unmanaged,
              n,
            ].map(String)
          : [a.app_id, a.status, '', '', '', '', '', '', '', ''];
      }),
    ]),
  );
  for (const a of r.apps) if (a.error) out.line(`${a.app_id}: ${a.status}: ${a.error.message}`);
  out.line();
  out.line(
    'Reconciliation changed nothing in any target. Details: tenure report orphans|drift|missing [--csv];',
  );
  out.line(
    'remediation: "tenure plan" revokes drift and provisions missing accounts for linked identities.',
  );
}
