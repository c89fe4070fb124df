import { describe, expect, it } from 'vitest';
import { type Clock, createRateLimiter, parseRetryAfter } from './rate-limit.js';

/** A clock whose sleeps advance time instantly, recording when each caller was released. */
function fakeClock(): Clock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

describe('rate limiter', () => {
  it('lets a burst through, then one request per interval', async () => {
    const clock = fakeClock();
    const l = createRateLimiter(10, 3, clock);
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      await l.take();
      times.push(clock.t);
    }
    expect(times).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it('a pause holds every request until it ends, with or without a rate', async () => {
    for (const rate of [null, 1000]) {
      const clock = fakeClock();
      const l = createRateLimiter(rate, undefined, clock);
      l.pause(1500);
      await l.take();
      expect(clock.t).toBeGreaterThanOrEqual(1500);
    }
  });

  it('pauses asked together overlap into one: three 429s of 1 s hold requests 1 s, not 3 s', async () => {
    for (const rate of [null, 1000]) {
      const clock = fakeClock();
      const l = createRateLimiter(rate, 10, clock);
      for (let i = 0; i < 3; i++) l.pause(1000);
      const released: number[] = [];
      for (let i = 0; i < 3; i++) {
        await l.take();
        released.push(clock.t);
      }
      expect(released).toEqual([1000, 1000, 1000]);
    }
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-26T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
