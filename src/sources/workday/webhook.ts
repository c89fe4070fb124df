/**
 * Workday has no signed webhook of its own: an integration (a business-process notification, an
 * EIB, middleware) posts `{"employee_id": "<Worker_ID>", "event_id"?: "…"}` signed like Tenure's
 * generic HR webhook — `X-Tenure-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw
 * body>">`, ±5 minutes — and Tenure re-reads that worker from the report.
 */
import { createHmac } from 'node:crypto';
import { isObject } from '../common/context.js';
import {
  badSignature,
  checkWindow,
  headerOf,
  invalidEvent,
  parseJsonBody,
  sameBytes,
  TOLERANCE_SECONDS,
  vendorId,
} from '../common/webhook.js';
import type { VerifiedWebhook, WebhookHeaders } from '../contract.js';

export const TENURE_SIGNATURE = 'x-tenure-signature';

const mac = (secret: string, t: string, body: Buffer) =>
  createHmac('sha256', secret).update(`${t}.`).update(body).digest();

export function verifyWorkdayWebhook(
  raw: Buffer,
  headers: WebhookHeaders,
  now: Date,
  secret: string,
): VerifiedWebhook {
  const header = headerOf(headers, TENURE_SIGNATURE);
  if (!header) throw badSignature('missing X-Tenure-Signature header');
  let t: string | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (k === 't') t = v;
    else if (k === 'v1' && v) v1.push(v.toLowerCase());
  }
  if (!t || !/^\d{1,12}$/.test(t) || v1.length === 0)
    throw badSignature('malformed X-Tenure-Signature: expected "t=<unix seconds>,v1=<hex>"');
  const expected = mac(secret, t, raw);
  const match = v1.find(
    (h) => /^[0-9a-f]{64}$/.test(h) && sameBytes(Buffer.from(h, 'hex'), expected),
  );
  if (!match) throw badSignature('the signature does not match the body');
  checkWindow(Number(t), now);
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
    eventId: `workday:${match}`,
    replayUntil: new Date((Number(t) + TOLERANCE_SECONDS) * 1000),
    type: 'worker.changed',
  };
}
