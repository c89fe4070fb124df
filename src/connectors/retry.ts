/** Retrying an idempotent connector step on transient failures: exponential backoff with jitter. */

export type RetryPolicy = { retries: number; backoffMs: number; signal?: AbortSignal };

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn` (told its attempt number, so it can re-read what it needs) until it succeeds, fails
 * for a reason `transient` does not accept, runs out of retries, or the policy's signal aborts.
 */
export async function retryTransient<T>(
  policy: RetryPolicy,
  transient: (e: unknown) => boolean,
  fn: (attempt: number) => Promise<T>,
  sleep: (ms: number) => Promise<void> = wait,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= policy.retries || !transient(e) || policy.signal?.aborted) throw e;
      const delay = policy.backoffMs * 2 ** attempt;
      await sleep(delay / 2 + Math.random() * (delay / 2));
    }
  }
}
