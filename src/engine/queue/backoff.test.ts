import { describe, expect, it } from 'vitest';
import { nextAttemptAt, retryDelayMs } from './backoff.js';

describe('retry backoff', () => {
  const policy = { baseMs: 1_000, maxMs: 60_000 };

  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n, policy))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(retryDelayMs(10_000, policy)).toBe(60_000);
    expect(retryDelayMs(0, policy)).toBe(1_000);
  });

  it('gives up once the attempts are spent', () => {
    const now = new Date('2026-11-26T09:00:00.000Z');
    expect(nextAttemptAt(1, 3, now, policy)?.toISOString()).toBe('2026-11-26T09:00:01.000Z');
    expect(nextAttemptAt(2, 3, now, policy)?.toISOString()).toBe('2026-11-26T09:00:02.000Z');
    expect(nextAttemptAt(3, 3, now, policy)).toBeNull();
  });
});
