/**
 * Bounds how many password hashes run at once. scrypt is slow and memory-hungry on purpose; a
 * burst of sign-ins must not queue without end and stall every other sign-in behind it, so a few
 * wait their turn and the rest are told at once to come back later.
 */
import { TenureError } from '../../domain/errors.js';

export type HashGate = {
  /** Runs `fn` when a slot is free; throws `auth.busy` (503, Retry-After) if the queue is full. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Running and waiting, for tests and metrics. */
  load(): { running: number; waiting: number };
};

export const HASH_CONCURRENCY = 2;
export const HASH_QUEUE = 8;
const RETRY_AFTER_SECONDS = 1;

export function createHashGate(concurrency = HASH_CONCURRENCY, queue = HASH_QUEUE): HashGate {
  let running = 0;
  const waiting: (() => void)[] = [];
  const next = () => {
    running--;
    const wake = waiting.shift();
    if (wake) {
      running++;
      wake();
    }
  };
  return {
    async run(fn) {
      if (running >= concurrency) {
        if (waiting.length >= queue)
          throw new TenureError('auth.busy', 'too many sign-ins at once; try again shortly', {
            retry_after: RETRY_AFTER_SECONDS,
          });
        // The slot is handed over by next(), so no newcomer can overtake a waiter.
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        running++;
      }
      try {
        return await fn();
      } finally {
        next();
      }
    },
    load: () => ({ running, waiting: waiting.length }),
  };
}
