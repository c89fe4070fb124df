/**
 * An HR system's own webhook (BambooHR, HiBob, Workday notices) for one or a few people: verify
 * it with the vendor's signature scheme, re-read those people from the vendor's API (payloads
 * are thin), save them as an import would, and queue a run for each of them alone — all in one
 * transaction with the replay guard. Refusals are audited (`webhook.refused`) and change nothing.
 */
import type { SourceConfig } from '../../config/schema.js';
import { isTenureError, TenureError } from '../../domain/errors.js';
import type { PeopleResult, Source } from '../../sources/contract.js';
import { RUNS_QUEUE } from '../queue/index.js';
import { MAX_ATTEMPTS, PRIORITY, type RunIdentityPayload } from '../scheduler/job-kinds.js';
import { saveRead } from '../sync/save-import.js';
import { openSource } from '../sync/sources.js';
import type { Workspace } from '../workspace.js';
import { auditRefusal, type SourceEvent } from './receive.js';

export type VendorEventAccepted = {
  source_id: string;
  /** The vendor's event type (`employee.updated`, `employee.left`, `ping` …). */
  type: string;
  /** One entry per person re-read and accepted: their lifecycle events and queued run. */
  people: { identity_id: string; events: string[]; job_id: number; deduped: boolean }[];
  /** People whose re-read record was refused (quarantined, audited), with the reason. */
  rejected: { employee_id: string | null; reason: string }[];
  /** Vendor ids the vendor no longer knows (a deletion): the next full import flags them. */
  not_found: string[];
};

/**
 * Whether this source takes its HR system's own webhook format (not Tenure's generic one): every
 * HR-system source with a `webhook:` does (BambooHR, HiBob, Workday notices). Config only: cheap.
 */
export function isVendorWebhookSource(ws: Workspace, sourceId: string): boolean {
  const config = ws.config.sources.find((s) => s.id === sourceId);
  return config !== undefined && config.type !== 'file' && config.webhook !== undefined;
}

function vendorWebhookSource(
  ws: Workspace,
  sourceId: string,
): { config: SourceConfig; source: Source } | undefined {
  if (!isVendorWebhookSource(ws, sourceId)) return undefined;
  const config = ws.config.sources.find((s) => s.id === sourceId)!;
  const source = openSource(ws, config);
  return source.webhook && source.fetchPeople ? { config, source } : undefined;
}

export async function receiveVendorEvent(
  ws: Workspace,
  ev: SourceEvent,
): Promise<VendorEventAccepted> {
  try {
    return await accept(ws, ev);
  } catch (e) {
    if (isTenureError(e) && e.code.startsWith('webhook.')) await auditRefusal(ws, ev, e);
    throw e;
  }
}

async function accept(ws: Workspace, ev: SourceEvent): Promise<VendorEventAccepted> {
  const found = vendorWebhookSource(ws, ev.sourceId);
  if (!found)
    throw new TenureError('webhook.unknown_source', 'no webhook is configured for this source');
  const { config, source } = found;
  const now = ws.clock();
  const verified = source.webhook!.verify(ev.body, ev.headers ?? {}, now);
  const actor = `hr:${config.id}:webhook`;
  const requestId = ev.requestId !== undefined ? { request_id: ev.requestId } : {};
  if (verified.ping) {
    await ws.store.audit.append([
      {
        action: 'webhook.accepted',
        actor,
        trigger: `hr:${config.id}:webhook`,
        target: `source:${config.id}`,
        outcome: 'success',
        details: { source: config.id, type: 'ping', ...requestId },
        ts: now.toISOString(),
      },
    ]);
    return { source_id: config.id, type: 'ping', people: [], rejected: [], not_found: [] };
  }

  // Outside the transaction: a network read must not hold the store's write lock. A replayed
  // delivery costs one re-read before the guard below refuses it.
  let read: PeopleResult;
  try {
    read = await source.fetchPeople!(verified.employeeIds);
  } catch (e) {
    const why = isTenureError(e) ? `${e.code}: ${e.message}` : (e as Error).message;
    throw new TenureError(
      'webhook.source_unavailable',
      `could not re-read ${verified.employeeIds.join(', ')} from the HR system: ${why}`,
      { cause: isTenureError(e) ? e.code : 'error' },
    );
  }

  const people: VendorEventAccepted['people'] = [];
  await saveRead(ws, {
    sourceId: config.id,
    label: source.label,
    read,
    kind: 'partial',
    status: 'delta',
    actor,
    async inTx(tx, summary) {
      const ts = now.toISOString();
      if (
        !(await tx.webhookReplays.remember(
          config.id,
          verified.eventId,
          verified.replayUntil.toISOString(),
          ts,
        ))
      )
        throw new TenureError('webhook.replay', 'this signed delivery was already received');
      const events = new Map(summary.changes.map((c) => [c.identity, c.events.map((e) => e.kind)]));
      for (const { record } of read.records) {
        const payload: RunIdentityPayload = {
          identity_id: record.employee_id,
          source_id: config.id,
          event_id: verified.eventId,
          received_at: ts,
        };
        const { job, deduped } = await tx.jobs.enqueue(
          {
            queue: RUNS_QUEUE,
            kind: 'run_identity',
            payload,
            dedupe_key: `identity:${record.employee_id}`,
            priority: PRIORITY.webhook,
            max_attempts: MAX_ATTEMPTS.run_identity,
          },
          ts,
        );
        people.push({
          identity_id: record.employee_id,
          events: events.get(record.employee_id) ?? [],
          job_id: job.id,
          deduped,
        });
      }
      return [
        {
          action: 'webhook.accepted',
          actor,
          trigger: summary.snapshot_id > 0 ? `snapshot:${summary.snapshot_id}` : actor,
          target: `source:${config.id}`,
          outcome: 'success',
          details: {
            source: config.id,
            type: verified.type,
            event_id: verified.eventId,
            vendor_ids: verified.employeeIds,
            ...(verified.effectiveDate !== undefined && {
              effective_date: verified.effectiveDate,
            }),
            people: people.map((p) => ({
              identity: p.identity_id,
              events: p.events,
              job: p.job_id,
            })),
            rejected: read.rejected.length,
            not_found: read.notFound,
            ...requestId,
          },
          ts,
        },
      ];
    },
  });
  return {
    source_id: config.id,
    type: verified.type,
    people,
    rejected: read.rejected.map((r) => ({ employee_id: r.employee_id, reason: r.reason })),
    not_found: read.notFound,
  };
}
