/**
 * Exponential back-off with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): a random delay in [0, min(cap, base·2^attempt)], so a fleet of agents that lost the
 * control plane together does not come back in lockstep. Pure; the random source is injected.
 */
export type BackoffPolicy = { base_ms: number; max_ms: number };

/** The ceiling of the delay before retry number `attempt` (0-based). */
export const backoffCeiling = (attempt: number, p: BackoffPolicy): number =>
  Math.min(p.max_ms, p.base_ms * 2 ** Math.min(attempt, 30));

export const backoffDelay = (
  attempt: number,
  p: BackoffPolicy,
  random: () => number = Math.random,
): number => Math.floor(random() * backoffCeiling(attempt, p));

/** Counts consecutive failures; `next()` is the delay to wait, `reset()` after a success. */
export function createBackoff(p: BackoffPolicy, random: () => number = Math.random) {
  let attempt = 0;
  return {
    next(): number {
      return backoffDelay(attempt++, p, random);
    },
    reset(): void {
      attempt = 0;
    },
    get failures(): number {
      return attempt;
    },
  };
}
