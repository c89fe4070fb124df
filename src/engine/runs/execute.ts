/** Sends a run's operations to connectors in dependency phases and records every outcome. */
import { managersFirst } from '../../domain/manager-order.js';
import { taskRoutingText } from '../../domain/manual-task.js';
import { actionOf, OPERATION_PHASES, phaseOf } from '../../domain/phases.js';
import type { Operation, OperationResult } from '../../domain/types.js';
import type { AuditInput, Store } from '../../store/types.js';
import { enqueueAgentOps, siteOf } from '../agents/routing.js';
import { operationActor, operationAudit } from '../audit/events.js';
import type { Workspace } from '../workspace.js';

export type ExecutionSummary = {
  success: number;
  failure: number;
  pending_manual: number;
  byApp: Record<string, { success: number; failure: number; pending_manual: number }>;
  failures: { key: string; app_id: string; account_id: string; kind: string; message: string }[];
  /** Operations queued for on-prem agents (`route: agent:<site>`): the run waits for their results. */
  waiting_for_agent?: number;
};

const BATCH = 500;

export type ExecuteOptions = {
  runId: string;
  sourceOf: (identityId: string) => string | undefined;
  onProgress?: (done: number, total: number) => void;
};

export type RecordOptions = {
  runId: string;
  ts: string;
  /** Who the audit trail names as doing each operation. */
  actor: (op: Operation) => string;
  /** Collect the audit events here (the caller appends them, batched) instead of appending now. */
  auditSink?: AuditInput[];
};

/**
 * Records operations' outcomes in the caller's transaction — actual state for successes, a task
 * for pending_manual, the operation's status, one audit event each. The one way an outcome is
 * applied, whether a connector here or an on-prem agent produced it.
 */
export async function recordOutcomes(
  tx: Store,
  ops: readonly Operation[],
  results: ReadonlyMap<string, OperationResult>,
  o: RecordOptions,
): Promise<{ op: Operation; result: OperationResult }[]> {
  const audit: AuditInput[] = o.auditSink ?? [];
  const recorded: { op: Operation; result: OperationResult }[] = [];
  for (const op of ops) {
    const result = results.get(op.key) ?? {
      key: op.key,
      outcome: 'failure',
      message: 'connector returned no result',
    };
    let message = result.message ?? null;
    if (result.outcome === 'success') await tx.accounts.applyOperation(op, result, o.ts);
    if (result.outcome === 'pending_manual') {
      const task = await tx.tasks.open(o.runId, op, o.ts);
      // The task's own line, keeping who does it and how (the connector's message said so too).
      const routing = taskRoutingText(task.op.task);
      message = `task #${task.id}: ${task.summary}${routing ? ` (${routing})` : ''}`;
    }
    await tx.runs.setOperationStatus(o.runId, op.key, result.outcome, message, o.ts);
    const final = { ...result, message: message ?? undefined };
    audit.push(operationAudit(op, final, o.actor(op), o.runId, o.ts));
    recorded.push({ op, result: final });
  }
  if (!o.auditSink) await tx.audit.append(audit);
  return recorded;
}

export async function executeOperations(
  ws: Workspace,
  ops: Operation[],
  opts: ExecuteOptions,
): Promise<ExecutionSummary> {
  const summary: ExecutionSummary = {
    success: 0,
    failure: 0,
    pending_manual: 0,
    byApp: {},
    failures: [],
  };
  let done = 0;
  const byApp = new Map<string, Operation[]>();
  const apps = new Map(ws.config.applications.map((a) => [a.id, a]));
  const forAgents: Operation[] = [];
  for (const op of ops) {
    if (siteOf(apps.get(op.app_id)) !== undefined) {
      forAgents.push(op);
      continue;
    }
    const list = byApp.get(op.app_id);
    if (list) list.push(op);
    else byApp.set(op.app_id, [op]);
  }

  const record = async (batch: Operation[], results: Map<string, OperationResult>) => {
    const ts = ws.clock().toISOString();
    const actor = (op: Operation) => operationActor(op, opts.sourceOf);
    const recorded = await ws.store.transaction((tx) =>
      recordOutcomes(tx, batch, results, { runId: opts.runId, ts, actor }),
    );
    for (const { op, result } of recorded) {
      const app = (summary.byApp[op.app_id] ??= { success: 0, failure: 0, pending_manual: 0 });
      app[result.outcome]++;
      summary[result.outcome]++;
      if (result.outcome === 'failure') {
        summary.failures.push({
          key: op.key,
          app_id: op.app_id,
          account_id: op.account_id,
          kind: op.kind,
          message: result.message ?? '',
        });
      }
    }
    done += batch.length;
    opts.onProgress?.(done, ops.length);
  };

  // Agent-routed applications: queued for their site first, so agents start while we work here.
  if (forAgents.length > 0) {
    const queued = await enqueueAgentOps(ws, opts.runId, forAgents);
    summary.waiting_for_agent = queued.operations;
    done += forAgents.length;
    opts.onProgress?.(done, ops.length);
  }

  await Promise.all(
    [...byApp.entries()].map(async ([appId, appOps]) => {
      const failedCreates = new Set<string>();
      for (const phaseOps of applyGroups(appOps)) {
        const runnable: Operation[] = [];
        const skipped = new Map<string, OperationResult>();
        for (const op of phaseOps) {
          if (failedCreates.has(op.account_id)) {
            skipped.set(op.key, {
              key: op.key,
              outcome: 'failure',
              message: 'not attempted: creating the account failed',
            });
          } else runnable.push(op);
        }
        // Managers before their reports, so a later batch never holds the manager of an earlier one.
        const ordered = managersFirst(runnable);
        if (skipped.size > 0)
          await record(
            phaseOps.filter((o) => skipped.has(o.key)),
            skipped,
          );
        for (let i = 0; i < ordered.length; i += BATCH) {
          const batch = ordered.slice(i, i + BATCH);
          const results = await applyBatch(ws, appId, batch);
          for (const op of batch) {
            if (actionOf(op) === 'account.create' && results.get(op.key)?.outcome === 'failure')
              failedCreates.add(op.account_id);
          }
          await record(batch, results);
        }
      }
    }),
  );
  return summary;
}

/**
 * What goes to the connector together: one phase at a time, or — with no create among them, so
 * no operation depends on another's success — all of a small run's operations at once, in phase
 * order (connectors keep phase order within a batch). A mover's or leaver's changes then reach
 * an application in one apply: csv-export rewrites its file once, not once per phase.
 */
function applyGroups(appOps: Operation[]): Operation[][] {
  if (appOps.length <= BATCH && !appOps.some((op) => actionOf(op) === 'account.create'))
    return [[...appOps].sort((a, b) => phaseOf(a) - phaseOf(b))];
  return OPERATION_PHASES.map((phase) => appOps.filter((op) => phase.includes(actionOf(op))));
}

async function applyBatch(
  ws: Workspace,
  appId: string,
  batch: Operation[],
): Promise<Map<string, OperationResult>> {
  const results = new Map<string, OperationResult>();
  try {
    const connector = await ws.connector(appId);
    for await (const result of connector.apply(batch)) results.set(result.key, result);
  } catch (e) {
    // A connector that throws fails the rest of its batch, never other applications.
    const message = `connector error: ${(e as Error).message}`;
    for (const op of batch)
      if (!results.has(op.key)) results.set(op.key, { key: op.key, outcome: 'failure', message });
  }
  return results;
}
