/**
 * HiBob webhooks v2 (apidocs.hibob.com/reference/getting-started-webhooks): `Bob-Signature` is the
 * base64 HMAC-SHA512, keyed with the webhook secret, of the raw body — no timestamp header. The
 * signed envelope's `triggeredAt` stands in for one: a delivery older than the replay memory
 * (24 h) or more than 5 minutes ahead is stale, and within those 24 h the same delivery is a replay.
 * `"Ping test"` (the subscription check) is answered 2xx, signed or not: it changes nothing.
 */
import { createHmac } from 'node:crypto';
import { TenureError } from '../../domain/errors.js';
import { isObject } from '../common/context.js';
import {
  badSignature,
  headerOf,
  invalidEvent,
  parseJsonBody,
  sameBytes,
  TOLERANCE_SECONDS,
  vendorId,
} from '../common/webhook.js';
import type { VerifiedWebhook, WebhookHeaders } from '../contract.js';

export const BOB_SIGNATURE = 'bob-signature';
/** How long a delivery is remembered, and so the oldest one accepted. */
export const HIBOB_REPLAY_HOURS = 24;

export const hibobSignature = (body: Buffer | string, secret: string): string =>
  createHmac('sha512', secret).update(body).digest('base64');

const isPing = (raw: Buffer): boolean => {
  const text = raw.toString('utf8').trim();
  if (/^"?Ping test"?$/.test(text)) return true;
  try {
    const doc = JSON.parse(text) as unknown;
    return isObject(doc) && doc.text === 'Ping test';
  } catch {
    return false;
  }
};

/** `2025-01-08T13:06:26.915906`: no zone given; HiBob's timestamps are UTC. */
function triggeredAt(v: unknown): Date | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(v.trim());
  if (!m) return undefined;
  const ms = m[2] ? m[2].slice(0, 4) : '';
  const d = new Date(`${m[1]}${ms}${m[3] ?? 'Z'}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function verifyHibobWebhook(
  raw: Buffer,
  headers: WebhookHeaders,
  now: Date,
  secret: string,
): VerifiedWebhook {
  // A subscription check changes nothing, so it is answered whether or not Bob signed it.
  if (isPing(raw))
    return { employeeIds: [], eventId: 'hibob:ping', replayUntil: now, type: 'ping', ping: true };
  const sig = headerOf(headers, BOB_SIGNATURE)?.trim();
  if (!sig) throw badSignature('missing Bob-Signature header');
  if (!/^[A-Za-z0-9+/]{86}(==)?$/.test(sig))
    throw badSignature('malformed Bob-Signature: expected the base64 of an HMAC-SHA512');
  const got = Buffer.from(sig, 'base64');
  if (!sameBytes(got, createHmac('sha512', secret).update(raw).digest()))
    throw badSignature('the signature does not match the body');
  const eventId = `hibob:${got.toString('hex')}`;

  const doc = parseJsonBody(raw);
  if (!isObject(doc)) throw invalidEvent(['the body is not a JSON object']);
  const problems: string[] = [];
  if (doc.version !== 'v2') problems.push('version: only webhooks v2 are supported');
  if (typeof doc.type !== 'string' || doc.type === '') problems.push('type: missing');
  const at = triggeredAt(doc.triggeredAt);
  if (!at) problems.push('triggeredAt: missing or not a date-time');
  const data = isObject(doc.data) ? doc.data : undefined;
  const id = vendorId(data?.employeeId);
  if (id === undefined) problems.push('data.employeeId: missing or not an employee id');
  const effective = data?.effectiveDate;
  if (effective !== undefined && effective !== null && typeof effective !== 'string')
    problems.push('data.effectiveDate: not a date');
  if (problems.length > 0) throw invalidEvent(problems);

  const age = Math.floor((now.getTime() - at!.getTime()) / 1000);
  const memory = HIBOB_REPLAY_HOURS * 3600;
  if (age > memory || age < -TOLERANCE_SECONDS) {
    throw new TenureError(
      'webhook.stale',
      age > 0
        ? `triggeredAt is ${age} s old; accepted: up to ${memory} s (the replay memory)`
        : `triggeredAt is ${-age} s in the future; accepted: up to ${TOLERANCE_SECONDS} s`,
      { skew_seconds: age },
    );
  }
  return {
    employeeIds: [id!],
    eventId,
    replayUntil: new Date(at!.getTime() + memory * 1000),
    type: doc.type as string,
    ...(typeof effective === 'string' && { effectiveDate: effective.slice(0, 10) }),
  };
}
