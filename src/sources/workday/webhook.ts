/**
 * Workday has no signed webhook of its own: an integration (a business-process notification, an
 * EIB, middleware) posts `{"employee_id": "<Worker_ID>", "event_id"?: "…"}` signed like Tenure's
 * generic HR webhook — `X-Tenure-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw
 * body>">`, ±5 minutes — and Tenure re-reads that worker from the report.
 */
import { isObject } from '../common/context.js';
import { SIGNATURE_HEADER, verifySignature } from '../common/tenure-signature.js';
import {
  headerOf,
  invalidEvent,
  parseJsonBody,
  TOLERANCE_SECONDS,
  vendorId,
} from '../common/webhook.js';
import type { VerifiedWebhook, WebhookHeaders } from '../contract.js';

export function verifyWorkdayWebhook(
  raw: Buffer,
  headers: WebhookHeaders,
  now: Date,
  secret: string,
): VerifiedWebhook {
  const { timestamp, signature } = verifySignature({
    header: headerOf(headers, SIGNATURE_HEADER),
    body: raw,
    secret,
    now,
  });
  const doc = parseJsonBody(raw);
  const problems: string[] = [];
  if (!isObject(doc)) throw invalidEvent(['the body is not a JSON object']);
  const id = vendorId(doc.employee_id);
  if (id === undefined) problems.push('employee_id: missing or not a Worker_ID');
  for (const key of Object.keys(doc))
    if (key !== 'employee_id' && key !== 'event_id') problems.push(`unknown key "${key}"`);
  if (doc.event_id !== undefined && typeof doc.event_id !== 'string')
    problems.push('event_id: must be a string');
  if (problems.length > 0) throw invalidEvent(problems);
  return {
    employeeIds: [id!],
    eventId: `workday:${signature}`,
    replayUntil: new Date((timestamp + TOLERANCE_SECONDS) * 1000),
    type: 'worker.changed',
  };
}
