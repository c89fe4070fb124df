/** zod pieces every vendor source's settings share: ids, secrets, field overrides, states, HTTP limits. */
import { z } from 'zod';
import { secretRef } from '../../domain/secret-ref.js';

/** `sources[].webhook`: signed change events from the HR system (docs/scheduler.md). */
export const webhookSchema = z.strictObject({
  /** HMAC-SHA256 key shared with the HR system; only as `${env:NAME}`. */
  secret: secretRef,
});

export type WebhookConfig = z.infer<typeof webhookSchema>;

export const sourceIdSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{0,62}$/,
    'must be lowercase letters, digits, "-" or "_", starting with a letter',
  );

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An API origin: HTTPS, except on loopback (tests, a local proxy) — credentials never cross a network in clear. */
export const apiUrl = z.url().refine((u) => {
  const url = new URL(u);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
}, 'must be an https:// URL (http:// only on 127.0.0.1 or localhost)');

/**
 * `fields:` — where each of Tenure's inputs comes from in the vendor's data (a field name or a
 * dot path). Unknown keys are refused, so a typo names itself instead of silently reading nothing.
 */
export function fieldsSchema<K extends string>(
  keys: readonly K[],
  value: z.ZodString = z.string().min(1),
) {
  const shape = Object.fromEntries(keys.map((k) => [k, value.optional()])) as Record<
    K,
    z.ZodOptional<z.ZodString>
  >;
  // Cast: zod cannot see that an object of optional keys accepts {}.
  return z.strictObject(shape).prefault({} as never);
}

export type StateLists = { leave: string[]; terminated: string[]; contractor: string[] };

/** `states:` — which vendor values mean leave of absence, terminated, contingent worker. */
export const statesSchema = (defaults: StateLists) =>
  z
    .strictObject({
      /** Vendor statuses meaning a leave of absence (Tenure status `leave`). */
      leave: z.array(z.string().min(1)).default(defaults.leave),
      /** Vendor statuses meaning the employment ended. */
      terminated: z.array(z.string().min(1)).default(defaults.terminated),
      /** Vendor employment types meaning a contingent worker: Tenure `employment_type: contractor`. */
      contractor: z.array(z.string().min(1)).default(defaults.contractor),
    })
    .prefault({});

/** `http:` — how long to wait for the vendor and how often to try again when it says "later". */
export const httpSchema = z
  .strictObject({
    timeout_seconds: z.number().min(1).max(600).default(60),
    /** Retries after 429/502/503/504 or a network error (never after 401/403). */
    max_retries: z.number().int().min(0).max(10).default(5),
    /** A Retry-After longer than this fails the read instead of stalling it. */
    max_retry_wait_seconds: z.number().min(0).max(3600).default(120),
  })
  .prefault({});
export type HttpSettings = z.infer<typeof httpSchema>;
