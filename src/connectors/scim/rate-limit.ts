/**
 * Per-application request pacing: a token bucket (as GCRA: one timestamp, no timer) that every
 * request passes, and a shared pause a 429/503 `Retry-After` imposes on all requests at once.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */

export type RateLimiter = {
  /** Resolves when the request may be sent. */
  take(signal?: AbortSignal): Promise<void>;
  /** No request leaves before `ms` from now (the server asked us to wait). */
  pause(ms: number): void;
};

export type Clock = { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> };

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (ms <= 0) return resolve();
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', stop);
        resolve();
      }, ms);
      const stop = () => {
        clearTimeout(t);
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', stop, { once: true });
    }),
};

/** `perSecond` null: no pacing, only the server-imposed pauses. */
export function createRateLimiter(
  perSecond: number | null,
  burst: number | undefined,
  clock: Clock = realClock,
): RateLimiter {
  const interval = perSecond ? 1000 / perSecond : 0;
  const tolerance = (Math.max(1, burst ?? Math.ceil(perSecond ?? 1)) - 1) * interval;
  let tat = 0; // theoretical arrival time of the next request
  let pausedUntil = 0;
  return {
    async take(signal) {
      for (;;) {
        const now = clock.now();
        const start = Math.max(now, pausedUntil);
        const due = Math.max(start, tat - tolerance);
        if (due <= now) {
          if (interval) tat = Math.max(tat, now) + interval;
          return;
        }
        // Reserve the slot now, so concurrent callers queue behind it instead of racing for it.
        if (interval && due >= pausedUntil) {
          tat = Math.max(tat, start) + interval;
          await clock.sleep(due - now, signal);
          if (clock.now() >= pausedUntil) return;
          continue; // a pause arrived while we waited: wait for it too
        }
        await clock.sleep(due - now, signal);
      }
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, clock.now() + ms);
    },
  };
}

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP-date; undefined when absent or unreadable.
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
