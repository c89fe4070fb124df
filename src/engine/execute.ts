/** Sends a run's operations to connectors in dependency phases and records every outcome. */
import type { DirectOperationKind, Operation, OperationResult } from '../domain/types.js';
import type { AuditInput } from '../store/types.js';
import { operationActor, operationAudit } from './audit-events.js';
import type { Workspace } from './workspace.js';

export type ExecutionSummary = {
  success: number;
  failure: number;
  pending_manual: number;
  byApp: Record<string, { success: number; failure: number; pending_manual: number }>;
  failures: { key: string; app_id: string; account_id: string; kind: string; message: string }[];
};

/** Creates first; memberships before removals; disable/delete last, so a leaver is stripped then closed. */
const PHASES: DirectOperationKind[][] = [
  ['account.create'],
  ['account.move', 'account.update', 'account.enable'],
  ['entitlement.grant', 'entitlement.revoke'],
  ['account.disable', 'account.delete'],
];
const BATCH = 500;

const actionOf = (op: Operation): DirectOperationKind =>
  op.kind === 'manual.task' ? (op.task?.action ?? 'account.update') : op.kind;

export type ExecuteOptions = {
  runId: string;
  sourceOf: (identityId: string) => string | undefined;
  onProgress?: (done: number, total: number) => void;
};

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
  for (const op of ops) {
    const list = byApp.get(op.app_id);
    if (list) list.push(op);
    else byApp.set(op.app_id, [op]);
  }

  const record = async (batch: Operation[], results: Map<string, OperationResult>) => {
    const ts = ws.clock().toISOString();
    const audit: AuditInput[] = [];
    await ws.store.transaction(async (tx) => {
      for (const op of batch) {
        const result = results.get(op.key) ?? {
          key: op.key,
          outcome: 'failure',
          message: 'connector returned no result',
        };
        let message = result.message ?? null;
        if (result.outcome === 'success') await tx.accounts.applyOperation(op, result, ts);
        if (result.outcome === 'pending_manual') {
          const task = await tx.tasks.open(opts.runId, op, ts);
          message = `task #${task.id}: ${task.summary}`;
        }
        await tx.runs.setOperationStatus(opts.runId, op.key, result.outcome, message, ts);
        audit.push(
          operationAudit(
            op,
            { ...result, message: message ?? undefined },
            operationActor(op, opts.sourceOf),
            opts.runId,
            ts,
          ),
        );
        const app = (summary.byApp[op.app_id] ??= { success: 0, failure: 0, pending_manual: 0 });
        app[result.outcome]++;
        summary[result.outcome]++;
        if (result.outcome === 'failure') {
          summary.failures.push({
            key: op.key,
            app_id: op.app_id,
            account_id: op.account_id,
            kind: op.kind,
            message: message ?? '',
          });
        }
      }
      await tx.audit.append(audit);
    });
    done += batch.length;
    opts.onProgress?.(done, ops.length);
  };

  await Promise.all(
    [...byApp.entries()].map(async ([appId, appOps]) => {
      const failedCreates = new Set<string>();
      for (const phase of PHASES) {
        const phaseOps = appOps.filter((op) => phase.includes(actionOf(op)));
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
        if (skipped.size > 0)
          await record(
            phaseOps.filter((o) => skipped.has(o.key)),
            skipped,
          );
        for (let i = 0; i < runnable.length; i += BATCH) {
          const batch = runnable.slice(i, i + BATCH);
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
