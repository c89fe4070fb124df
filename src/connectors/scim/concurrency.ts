/** Bounded concurrency and retries for the scim connector's operations. */
import { type RetryPolicy, retryTransient } from '../retry.js';
import { isTransient } from './errors.js';
import { realClock } from './rate-limit.js';

/** Runs `fn` over `items` with at most `limit` in flight; `fn` must not throw. */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Re-runs a whole idempotent step (it re-reads what it needs) on transient failures. */
export const withRetry = <T>(policy: RetryPolicy, fn: (attempt: number) => Promise<T>) =>
  retryTransient(policy, isTransient, fn, (ms) => realClock.sleep(ms, policy.signal));
