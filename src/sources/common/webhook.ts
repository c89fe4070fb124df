/** Pieces every vendor webhook verifier shares: header access, constant-time compare, the refusals. */
import { timingSafeEqual } from 'node:crypto';
import { TenureError } from '../../domain/errors.js';
import type { WebhookHeaders } from '../contract.js';

/** The ±5 minutes a vendor timestamp may be off the server clock. */
export const TOLERANCE_SECONDS = 300;

export const VENDOR_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const headerOf = (headers: WebhookHeaders, name: string): string | undefined => {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

export const sameBytes = (a: Buffer, b: Buffer): boolean =>
  a.length === b.length && timingSafeEqual(a, b);

export const badSignature = (message: string) => new TenureError('webhook.bad_signature', message);

export const invalidEvent = (problems: string[]) =>
  new TenureError('webhook.invalid', `invalid event: ${problems.join('; ')}`, { problems });

/** Refuses a signed moment more than `tolerance` seconds away from now, either way. */
export function checkWindow(signedAt: number, now: Date, tolerance = TOLERANCE_SECONDS): void {
  const skew = Math.floor(now.getTime() / 1000) - Math.floor(signedAt);
  if (Math.abs(skew) <= tolerance) return;
  const when = skew > 0 ? `${skew} s old` : `${-skew} s in the future`;
  throw new TenureError(
    'webhook.stale',
    `the signature timestamp is ${when}; accepted: within ±${tolerance} s of the server clock`,
    { skew_seconds: skew },
  );
}

export function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw invalidEvent([`the body is not JSON (${(e as Error).message})`]);
  }
}

/** A vendor id given as a string or a number; undefined when it is neither or malformed. */
export const vendorId = (v: unknown): string | undefined => {
  const s = typeof v === 'number' && Number.isInteger(v) ? String(v) : v;
  return typeof s === 'string' && VENDOR_ID.test(s) ? s : undefined;
};
