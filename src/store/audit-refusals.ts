/**
 * Anonymous refusals (an unknown webhook source, an unauthenticated agent) counted per (action,
 * target, reason) and minute: the first of a minute is appended at once, the rest of that minute
 * become one event with their count once the minute is over — 300 probes make 2 rows, not 300,
 * and the counts still add up. The bucket table is a counter, not evidence: only what reaches
 * the chain is.
 */
import type { Kysely } from 'kysely';
import type { AuditAction } from '../audit/actions.js';
import type { AuditInput, RefusalInput } from '../audit/types.js';
import { toTimestamp } from './codec.js';
import type { Database } from './schema.js';

export const REFUSAL_INTERVAL_SECONDS = 60;

type Append = (trx: Kysely<Database>, inputs: AuditInput[]) => Promise<unknown>;

const bucketOf = (ts: string): string => {
  const ms = REFUSAL_INTERVAL_SECONDS * 1000;
  return new Date(Math.floor(new Date(ts).getTime() / ms) * ms).toISOString();
};

/** The audit event of a refusal (`system`, `failure`, the reason in details): one shape for all. */
export const refusalEvent = (r: RefusalInput): AuditInput => ({
  action: r.action,
  actor: 'system',
  trigger: r.trigger,
  target: r.target,
  outcome: 'failure',
  details: { ...r.details, reason: r.reason },
  ts: r.ts,
});

/**
 * Appends the summary event of every bucket whose minute is over (count = refusals after the
 * minute's first), and deletes the buckets — DELETE … RETURNING, so a refusal counted at the same
 * moment either is in the returned count or starts a new bucket. Call inside the chain's lock.
 */
export async function flushClosedRefusals(
  trx: Kysely<Database>,
  append: Append,
  now: string,
): Promise<number> {
  const closed = await trx
    .deleteFrom('audit_refusal_buckets')
    .where('bucket_start', '<', bucketOf(now))
    .returningAll()
    .execute();
  const summaries = closed
    .filter((b) => Number(b.count) > 0)
    // A stable order, so two replicas flushing the same buckets would write the same rows.
    .sort(
      (a, b) =>
        a.bucket_start.localeCompare(b.bucket_start) ||
        a.action.localeCompare(b.action) ||
        a.target.localeCompare(b.target) ||
        a.reason.localeCompare(b.reason),
    )
    .map((b) =>
      refusalEvent({
        ...b,
        // Written from a RefusalInput (recordRefusal), so one of the typed actions.
        action: b.action as AuditAction,
        ts: toTimestamp(now),
        details: {
          ...(JSON.parse(b.details) as Record<string, unknown>),
          count: Number(b.count),
          first_seen: b.first_seen,
          last_seen: b.last_seen,
          interval_seconds: REFUSAL_INTERVAL_SECONDS,
          repeated: true,
        },
      }),
    );
  if (summaries.length > 0) await append(trx, summaries);
  return summaries.length;
}

/** Counts one refusal; appends it when it is the first of its minute. Call inside the chain's lock. */
export async function recordRefusal(
  trx: Kysely<Database>,
  append: Append,
  r: RefusalInput,
): Promise<'appended' | 'counted'> {
  const ts = toTimestamp(r.ts);
  const row = await trx
    .insertInto('audit_refusal_buckets')
    .values({
      action: r.action,
      target: r.target,
      reason: r.reason,
      bucket_start: bucketOf(ts),
      count: 0, // the first is appended below: the bucket counts the ones after it
      first_seen: ts,
      last_seen: ts,
      trigger: r.trigger,
      details: JSON.stringify(r.details),
    })
    .onConflict((oc) =>
      oc
        .columns(['action', 'target', 'reason', 'bucket_start'])
        .doUpdateSet((eb) => ({ count: eb('audit_refusal_buckets.count', '+', 1), last_seen: ts })),
    )
    .returning('count')
    .executeTakeFirstOrThrow();
  if (Number(row.count) > 0) return 'counted';
  await append(trx, [refusalEvent({ ...r, details: { ...r.details, count: 1 } })]);
  return 'appended';
}
