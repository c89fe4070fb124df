/** Retries an idempotent step on transient failures, with exponential backoff and jitter. */
import { isTransient } from './errors.js';

export type RetryPolicy = { retries: number; backoffMs: number; signal?: AbortSignal };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
      await sleep(delay / 2 + Math.random() * (delay / 2));
    }
  }
}
