/** Bounded concurrency and retries for the scim connector's operations. */
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

export type RetryPolicy = { retries: number; backoffMs: number; signal?: AbortSignal };

/** Re-runs a whole idempotent step (it re-reads what it needs) on transient failures. */
export async function withRetry<T>(
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= policy.retries || !isTransient(e) || policy.signal?.aborted) throw e;
      const delay = policy.backoffMs * 2 ** attempt;
      await realClock.sleep(delay / 2 + Math.random() * (delay / 2), policy.signal);
    }
  }
}
