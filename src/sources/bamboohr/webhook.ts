/**
 * BambooHR webhook verification (documentation.bamboohr.com/docs/webhooks): `X-BambooHR-Signature`
 * is the lowercase hex HMAC-SHA256, keyed with the webhook's private key, of the raw body followed
 * by `X-BambooHR-Timestamp` (Unix seconds; no separator). Then the payload: event-based
 * (`{"type":"employee.updated","data":{"employeeId":"67890",…}}`) or field-based
 * (`{"employees":[{"id":"123","action":"Updated",…}]}`). Payloads are thin: the caller re-reads.
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

export const BAMBOO_SIGNATURE = 'x-bamboohr-signature';
export const BAMBOO_TIMESTAMP = 'x-bamboohr-timestamp';

/** What BambooHR puts in X-BambooHR-Signature (tests and the bench sign with it). */
export const bambooSignature = (body: Buffer | string, timestamp: string, key: string): string =>
  createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(body), Buffer.from(timestamp)]))
    .digest('hex');

function employeeIds(doc: unknown): { ids: string[]; type: string } {
  if (!isObject(doc)) throw invalidEvent(['the body is not a JSON object']);
  if (Array.isArray(doc.employees)) {
    const problems: string[] = [];
    const ids = doc.employees.map((e, i) => {
      const id = isObject(e) ? vendorId(e.id) : undefined;
      if (id === undefined) problems.push(`employees[${i}].id: missing or not an employee id`);
      return id ?? '';
    });
    if (problems.length > 0 || ids.length === 0)
      throw invalidEvent(problems.length > 0 ? problems : ['employees: empty']);
    const actions = new Set(
      doc.employees.map((e) => (isObject(e) && typeof e.action === 'string' ? e.action : '?')),
    );
    return { ids: [...new Set(ids)], type: `employee_with_fields.${[...actions].join('+')}` };
  }
  const data = doc.data;
  const id = isObject(data) ? vendorId(data.employeeId) : undefined;
  const problems: string[] = [];
  if (typeof doc.type !== 'string' || !/^employee\./.test(doc.type))
    problems.push('type: expected "employee.created", "employee.updated" or "employee.deleted"');
  if (id === undefined) problems.push('data.employeeId: missing or not an employee id');
  if (problems.length > 0) throw invalidEvent(problems);
  return { ids: [id!], type: doc.type as string };
}

export function verifyBambooWebhook(
  raw: Buffer,
  headers: WebhookHeaders,
  now: Date,
  key: string,
): VerifiedWebhook {
  const signature = headerOf(headers, BAMBOO_SIGNATURE)?.trim().toLowerCase();
  const timestamp = headerOf(headers, BAMBOO_TIMESTAMP)?.trim();
  if (!signature || !timestamp)
    throw badSignature('missing X-BambooHR-Signature or X-BambooHR-Timestamp header');
  if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature))
    throw badSignature(
      'malformed X-BambooHR-Signature (64 hex digits) or X-BambooHR-Timestamp (Unix seconds)',
    );
  const expected = Buffer.from(bambooSignature(raw, timestamp, key), 'hex');
  if (!sameBytes(Buffer.from(signature, 'hex'), expected))
    throw badSignature('the signature does not match the body and timestamp');
  checkWindow(Number(timestamp), now);
  const { ids, type } = employeeIds(parseJsonBody(raw));
  return {
    employeeIds: ids,
    eventId: `bamboohr:${signature}`,
    replayUntil: new Date((Number(timestamp) + TOLERANCE_SECONDS) * 1000),
    type,
  };
}
