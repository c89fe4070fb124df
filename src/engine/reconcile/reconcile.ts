/**
 * Reconciliation: read what each target really holds, correlate it to identities, store it as
 * the actual state, and record the findings (orphans, drift, missing, ambiguous, unmanaged) as
 * evidence. It changes nothing in any target: remediation is the next plan/apply.
 */
import type { ApplicationConfig } from '../../config/schema.js';
import { managedAttributes } from '../../domain/desired.js';
import { TenureError } from '../../domain/errors.js';
import { advanceTime } from '../../domain/lifecycle.js';
import {
  type AppClassification,
  classifyApp,
  desiredByApp,
  type FindingKind,
  findingKey,
} from '../../domain/reconcile.js';
import type { DesiredAccount, Grant, Identity } from '../../domain/types.js';
import type { ActualStateChange } from '../../store/reconcile-repo.js';
import { checkpoint } from '../audit/checkpoint.js';
import { lifecycleSettings, planningContext } from '../settings.js';
import type { Workspace } from '../workspace.js';
import { completedAudit, findingAudit } from './audit.js';
import { readAccounts } from './read.js';

export type ReconcileProgress = {
  app_id: string;
  phase: 'read' | 'store';
  done: number;
  total: number;
};

export type ReconcileOptions = {
  /** One application; default: every application whose connector can be read. */
  appId?: string;
  /** Recorded on `reconcile.completed` and the stored reconciliation (default `system`). */
  actor?: string;
  /** Accept a target that reads back empty although Tenure knows accounts in it. */
  allowEmpty?: boolean;
  onProgress?: (p: ReconcileProgress) => void;
};

export type AppReconciliation = {
  app_id: string;
  status: 'done' | 'failed' | 'skipped';
  reconciliation_id: number | null;
  /** failed/skipped: why (a failed read stores nothing but the failed reconciliation row). */
  error?: { code: string; message: string };
  counts?: AppClassification['counts'];
  /** Findings not present in the application's previous reconciliation. */
  new_findings?: Record<FindingKind, number>;
  changes?: ActualStateChange;
  seconds?: { read: number; correlate: number; store: number };
};

export type ReconcileResult = { at: string; apps: AppReconciliation[] };

/** Connectors whose read() cannot see the target: their actual state is what closed tasks recorded. */
const UNREADABLE = new Set(['manual']);

export async function reconcile(
  ws: Workspace,
  opts: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const apps = selectApps(ws, opts.appId);
  const now = ws.clock();
  const settings = lifecycleSettings(ws.config);
  // Statuses as a run would see them now (scheduled leavers past their last day are leavers).
  const identities = (await ws.store.identities.all()).map(
    (i) => advanceTime(i, now, settings).identity,
  );
  const grants = new Map<string, Grant[]>();
  for (const g of await ws.store.grants.all()) {
    const list = grants.get(g.identity_id);
    if (list) list.push(g);
    else grants.set(g.identity_id, [g]);
  }
  const readable = apps.filter((a) => !UNREADABLE.has(a.connector));
  const desired = desiredByApp(
    identities,
    grants,
    planningContext(ws.config, now),
    readable.map((a) => a.id),
  );
  const results: AppReconciliation[] = [];
  for (const app of apps) {
    if (UNREADABLE.has(app.connector)) {
      results.push({
        app_id: app.id,
        status: 'skipped',
        reconciliation_id: null,
        error: {
          code: 'app.not_readable',
          message: `${app.connector} applications cannot be read; closed tasks are their actual state`,
        },
      });
      continue;
    }
    results.push(await reconcileApp(ws, app, identities, desired.get(app.id)!, opts));
  }
  if (results.some((r) => r.reconciliation_id !== null)) await checkpoint(ws);
  return { at: now.toISOString(), apps: results };
}

function selectApps(ws: Workspace, appId: string | undefined): ApplicationConfig[] {
  const all = ws.config.applications;
  if (appId === undefined) return all;
  const app = all.find((a) => a.id === appId);
  if (!app) {
    throw new TenureError(
      'app.not_found',
      `unknown application "${appId}" (known: ${all.map((a) => a.id).join(', ')})`,
    );
  }
  if (UNREADABLE.has(app.connector)) {
    throw new TenureError(
      'app.not_readable',
      `application "${appId}" uses the ${app.connector} connector, which cannot be read: its actual state is what closed tasks recorded`,
    );
  }
  return [app];
}

const seconds = (from: number) => Math.round(performance.now() - from) / 1000;

async function reconcileApp(
  ws: Workspace,
  app: ApplicationConfig,
  identities: readonly Identity[],
  desired: ReadonlyMap<string, DesiredAccount>,
  opts: ReconcileOptions,
): Promise<AppReconciliation> {
  const actor = opts.actor ?? 'system';
  const startedAt = ws.clock().toISOString();
  const progress = (phase: ReconcileProgress['phase']) => (done: number, total: number) =>
    opts.onProgress?.({ app_id: app.id, phase, done, total });
  const previousLinks = await ws.store.reconciliations.links(app.id);

  const t0 = performance.now();
  let records: Awaited<ReturnType<typeof readAccounts>>;
  try {
    records = await readAccounts(
      app.id,
      await ws.connector(app.id),
      previousLinks.size,
      progress('read'),
      { attributes: managedAttributes(ws.config.policies, app.id) },
    );
    if (records.length === 0 && previousLinks.size > 0 && !opts.allowEmpty) {
      throw new TenureError(
        'reconcile.empty_read',
        `application "${app.id}": the target returned no accounts, but Tenure knows ${previousLinks.size}; ` +
          'refusing to record them all as gone (wrong base or path? unreachable?). ' +
          'If the target really is empty, reconcile again with --allow-empty.',
        { app_id: app.id, known: previousLinks.size },
      );
    }
  } catch (e) {
    return failed(ws, app.id, actor, startedAt, e);
  }
  const read = seconds(t0);

  const t1 = performance.now();
  const classified = classifyApp({ app, records, identities, desired, previousLinks });
  const correlate = seconds(t1);

  const t2 = performance.now();
  const changes = await ws.store.reconciliations.replaceActual(
    app.id,
    classified.accounts,
    startedAt,
    progress('store'),
  );
  const [previous] = await ws.store.reconciliations.latest({ appId: app.id });
  const before = new Set(
    previous ? (await ws.store.reconciliations.findings(previous.id)).map(findingKey) : [],
  );
  const findings = classified.findings.map((f) => ({ ...f, is_new: !before.has(findingKey(f)) }));
  const newFindings = { orphan: 0, drift: 0, missing: 0, ambiguous: 0, unmanaged: 0 };
  for (const f of findings) if (f.is_new) newFindings[f.kind]++;
  const finishedAt = ws.clock().toISOString();
  const summary = { ...classified.counts, new_findings: newFindings, changes };
  const id = await ws.store.transaction(async (tx) => {
    const rid = await tx.reconciliations.record(
      {
        app_id: app.id,
        started_at: startedAt,
        finished_at: finishedAt,
        status: 'done',
        actor,
        summary,
        error: null,
      },
      findings,
    );
    await tx.audit.append([
      ...findings.map((f) => findingAudit(f, rid, finishedAt)),
      completedAudit(app.id, rid, actor, 'success', summary, finishedAt),
    ]);
    return rid;
  });
  return {
    app_id: app.id,
    status: 'done',
    reconciliation_id: id,
    counts: classified.counts,
    new_findings: newFindings,
    changes,
    seconds: { read, correlate, store: seconds(t2) },
  };
}

/** A target that could not be read: record that (evidence too), store nothing else. */
async function failed(
  ws: Workspace,
  appId: string,
  actor: string,
  startedAt: string,
  e: unknown,
): Promise<AppReconciliation> {
  const code = e instanceof TenureError ? e.code : 'reconcile.read_failed';
  const message = e instanceof Error ? e.message : String(e);
  const finishedAt = ws.clock().toISOString();
  const id = await ws.store.transaction(async (tx) => {
    const rid = await tx.reconciliations.record(
      {
        app_id: appId,
        started_at: startedAt,
        finished_at: finishedAt,
        status: 'failed',
        actor,
        summary: { code },
        error: message,
      },
      [],
    );
    await tx.audit.append([
      completedAudit(appId, rid, actor, 'failure', { code, message }, finishedAt),
    ]);
    return rid;
  });
  return { app_id: appId, status: 'failed', reconciliation_id: id, error: { code, message } };
}
