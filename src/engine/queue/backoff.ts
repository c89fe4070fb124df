/** Retry policy of the work queue: exponential backoff, capped; pure so it is tested alone. */

export type BackoffPolicy = { baseMs: number; maxMs: number };

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 10 * 60_000 };

/** Delay before the next try after `attempts` tries failed: base, 2×base, 4×base … up to max. */
export function retryDelayMs(attempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const n = Math.max(1, Math.floor(attempts));
  // 2^30 × base already exceeds any sane cap; stop the exponent before it overflows to Infinity.
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n - 1, 30));
}

/** When a job failed at `now` after `attempts` tries is due again, or null when none are left. */
export function nextAttemptAt(
  attempts: number,
  maxAttempts: number,
  now: Date,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): Date | null {
  if (attempts >= maxAttempts) return null;
  return new Date(now.getTime() + retryDelayMs(attempts, policy));
}
