/**
 * An HR change event for one person: verify, refuse (audited) or accept — upsert the person through
 * lifecycle detection as an import would, and queue an immediate run for that person alone.
 */
import { resolveSecret } from '../../config/load-config.js';
import { isTenureError, TenureError } from '../../domain/errors.js';
import { verifySignature } from '../../sources/common/tenure-signature.js';
import { TOLERANCE_SECONDS } from '../../sources/common/webhook.js';
import { refusalEvent } from '../../store/audit-refusals.js';
import type { AuditInput, RefusalInput } from '../../store/types.js';
import { lifecycleAudit } from '../audit/events.js';
import { RUNS_QUEUE } from '../queue/index.js';
import { MAX_ATTEMPTS, PRIORITY, type RunIdentityPayload } from '../scheduler/job-kinds.js';
import { lifecycleSettings } from '../settings.js';
import { recordChange } from '../sync/record-change.js';
import type { Workspace } from '../workspace.js';
import { type EventBody, eventRecord, parseEventBody } from './event-body.js';

export type SourceEvent = {
  sourceId: string;
  /** The body exactly as received: the signature covers these bytes. */
  body: Buffer;
  signature: string | undefined;
  /** Every request header (lower-case names): vendor formats sign with headers of their own. */
  headers?: Readonly<Record<string, string | string[] | undefined>>;
  /** For the audit trail of refusals. */
  remote?: string;
  requestId?: string;
};

export type AcceptedEvent = {
  identity_id: string;
  source_id: string;
  /** Lifecycle events the record caused (empty: no record, or nothing changed). */
  events: string[];
  job_id: number;
  /** A run for this person was already queued (not yet started): it will see this change too. */
  deduped: boolean;
};

const SOURCE_ID = /^[a-z][a-z0-9_-]{0,62}$/;

const respellEvent = (body: EventBody, id: string): EventBody =>
  body.employee_id === id
    ? body
    : {
        ...body,
        employee_id: id,
        ...(body.record?.employee_id !== undefined && {
          record: { ...body.record, employee_id: id },
        }),
      };

export async function receiveSourceEvent(ws: Workspace, ev: SourceEvent): Promise<AcceptedEvent> {
  try {
    return await accept(ws, ev);
  } catch (e) {
    if (isTenureError(e) && e.code.startsWith('webhook.')) await auditRefusal(ws, ev, e);
    throw e;
  }
}

async function accept(ws: Workspace, ev: SourceEvent): Promise<AcceptedEvent> {
  const source = ws.config.sources.find((s) => s.id === ev.sourceId);
  if (!source?.webhook)
    throw new TenureError('webhook.unknown_source', 'no webhook is configured for this source');
  const now = ws.clock();
  const ts = now.toISOString();
  const secret = resolveSecret(source.webhook.secret);
  const verified = verifySignature({ header: ev.signature, body: ev.body, secret, now });
  const sent = parseEventBody(ev.body);
  const actor = `hr:${source.id}:webhook`;

  return ws.store.transaction(async (tx) => {
    // Inside the transaction: a refused replay leaves nothing behind, and an accepted event's key
    // is only kept if the change is.
    const windowEnd = new Date((verified.timestamp + TOLERANCE_SECONDS) * 1000).toISOString();
    if (!(await tx.webhookReplays.remember(source.id, `sig:${verified.signature}`, windowEnd, ts)))
      throw new TenureError('webhook.replay', 'this signed request was already received');
    if (sent.event_id !== undefined) {
      const eventEnd = new Date(now.getTime() + 2 * TOLERANCE_SECONDS * 1000).toISOString();
      if (!(await tx.webhookReplays.remember(source.id, `event:${sent.event_id}`, eventEnd, ts)))
        throw new TenureError('webhook.replay', `event ${sent.event_id} was already received`);
    }

    const prev =
      (await tx.identities.get(sent.employee_id)) ??
      (await tx.identities.getIgnoringCase(sent.employee_id));
    // Identity keys ignore case: an event for `e1100` is identity E1100, spelled as stored.
    const body = prev ? respellEvent(sent, prev.id) : sent;
    const audit: AuditInput[] = [];
    let events: string[] = [];
    if (body.record !== undefined) {
      const record = eventRecord(body, prev?.attributes);
      const change = recordChange(prev, record, now, lifecycleSettings(ws.config), source.id);
      events = change.events.map((e) => e.kind);
      if (!change.unchanged) await tx.identities.save([{ identity: change.identity, events }], ts);
      for (const e of change.events)
        audit.push(lifecycleAudit(change.identity, e, source.id, actor, ts));
    } else if (!prev) {
      throw new TenureError(
        'webhook.unknown_identity',
        `no identity "${body.employee_id}": send its "record" to create it`,
      );
    }

    const payload: RunIdentityPayload = {
      identity_id: body.employee_id,
      source_id: source.id,
      ...(body.event_id !== undefined && { event_id: body.event_id }),
      received_at: ts,
    };
    const { job, deduped } = await tx.jobs.enqueue(
      {
        queue: RUNS_QUEUE,
        kind: 'run_identity',
        payload,
        dedupe_key: `identity:${body.employee_id}`,
        priority: PRIORITY.webhook,
        max_attempts: MAX_ATTEMPTS.run_identity,
      },
      ts,
    );
    audit.push({
      action: 'webhook.accepted',
      actor,
      trigger: `job:${job.id}`,
      target: `identity:${body.employee_id}`,
      outcome: 'success',
      details: {
        source: source.id,
        event_id: body.event_id ?? null,
        events,
        job: job.id,
        deduped,
        ...(ev.requestId !== undefined && { request_id: ev.requestId }),
      },
      ts,
    });
    await tx.audit.append(audit);
    return { identity_id: body.employee_id, source_id: source.id, events, job_id: job.id, deduped };
  });
}

/** Refused before the sender proved to hold the source's secret: anyone can cause these. */
const ANONYMOUS = new Set(['webhook.unknown_source', 'webhook.bad_signature', 'webhook.stale']);

/**
 * Refusals are evidence too (someone is forging or replaying HR events); nothing else changes.
 * An unauthenticated sender's refusals are counted per source, reason and minute (the first
 * appended at once, the rest as one event with their count), so a flood cannot fill the trail;
 * refusals of correctly signed requests (a replay, a bad body) are appended one by one.
 */
export async function auditRefusal(ws: Workspace, ev: SourceEvent, e: TenureError): Promise<void> {
  // The caller picks an unknown source's id: one bucket for all of them, or every made-up id
  // would be a row of its own. The id they sent stays in the details.
  const known = e.code !== 'webhook.unknown_source';
  const source = !known ? 'unknown' : SOURCE_ID.test(ev.sourceId) ? ev.sourceId : 'invalid';
  const refusal: RefusalInput = {
    action: 'webhook.refused',
    trigger: `hr:${source}:webhook`,
    target: `source:${source}`,
    reason: e.code,
    details: {
      message: e.message,
      ...(source !== ev.sourceId && { source_id: ev.sourceId.slice(0, 100) }),
      ...(ev.remote !== undefined && { remote: ev.remote }),
      ...(ev.requestId !== undefined && { request_id: ev.requestId }),
      bytes: ev.body.length,
    },
    ts: ws.clock().toISOString(),
  };
  try {
    if (ANONYMOUS.has(e.code)) await ws.store.audit.recordRefusal(refusal);
    else await ws.store.audit.append([refusalEvent(refusal)]);
  } catch (err) {
    ws.log.error({ err, reason: e.code }, 'could not audit a refused webhook');
  }
}
