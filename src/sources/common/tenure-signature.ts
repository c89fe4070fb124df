/**
 * Tenure's own HR webhook signature, used by the generic webhook and by Workday integrations:
 * `X-Tenure-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, accepted
 * within ±5 minutes. Pure: the replay guard (which needs the store) is the caller's.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { TenureError } from '../../domain/errors.js';
import { checkWindow, TOLERANCE_SECONDS } from './webhook.js';

export const SIGNATURE_HEADER = 'x-tenure-signature';

const FORMAT = 'expected "t=<unix seconds>,v1=<hex HMAC-SHA256 of \\"<t>.<raw body>\\">"';

const mac = (secret: string, timestamp: string, body: Buffer | string): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();

/** The header value a sender puts on `body` (what HR systems, tests and the bench do). */
export function signatureHeader(
  body: Buffer | string,
  secret: string,
  unixSeconds: number,
): string {
  const t = String(Math.floor(unixSeconds));
  return `t=${t},v1=${mac(secret, t, body).toString('hex')}`;
}

export type VerifiedSignature = {
  /** Unix seconds the sender signed at. */
  timestamp: number;
  /** The matching v1 value (lowercase hex): the replay guard's key. */
  signature: string;
};

/** Parses `t=…,v1=…[,v1=…]`; several v1 values let a sender sign with an old and a new secret. */
function parseHeader(header: string): { t: string; v1: string[] } {
  let t: string | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq < 0) continue;
    if (key === 't') t = value;
    else if (key === 'v1') v1.push(value.toLowerCase());
  }
  if (t === undefined || !/^\d{1,12}$/.test(t) || v1.length === 0)
    throw new TenureError(
      'webhook.bad_signature',
      `malformed ${SIGNATURE_HEADER} header: ${FORMAT}`,
    );
  return { t, v1 };
}

/**
 * Checks the signature (constant-time), then the timestamp window. Throws
 * `webhook.bad_signature` (missing, malformed or wrong) or `webhook.stale` (outside ±tolerance).
 */
export function verifySignature(input: {
  header: string | undefined;
  body: Buffer;
  secret: string;
  now: Date;
  toleranceSeconds?: number;
}): VerifiedSignature {
  if (!input.header)
    throw new TenureError('webhook.bad_signature', `missing ${SIGNATURE_HEADER} header: ${FORMAT}`);
  const { t, v1 } = parseHeader(input.header);
  const expected = mac(input.secret, t, input.body);
  const match = v1.find((hex) => {
    if (!/^[0-9a-f]{64}$/.test(hex)) return false;
    return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
  });
  if (match === undefined)
    throw new TenureError('webhook.bad_signature', 'the signature does not match the body');
  const timestamp = Number(t);
  checkWindow(timestamp, input.now, input.toleranceSeconds ?? TOLERANCE_SECONDS);
  return { timestamp, signature: match };
}
