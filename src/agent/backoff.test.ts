import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, createBackoff } from './backoff.js';

const p = { base_ms: 500, max_ms: 30_000 };

describe('full-jitter back-off', () => {
  it('doubles the ceiling from base up to the cap', () => {
    expect([0, 1, 2, 3, 6, 7, 60].map((a) => backoffCeiling(a, p))).toEqual([
      500, 1000, 2000, 4000, 30_000, 30_000, 30_000,
    ]);
  });

  it('every delay lies in [0, ceiling)', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.double({ min: 0, max: 0.999999, noNaN: true }), (a, r) => {
        const d = backoffDelay(a, p, () => r);
        return d >= 0 && d < backoffCeiling(a, p) && Number.isInteger(d);
      }),
    );
  });

  it('counts failures and starts over after a success', () => {
    const b = createBackoff(p, () => 0.5);
    expect([b.next(), b.next(), b.next()]).toEqual([250, 500, 1000]);
    expect(b.failures).toBe(3);
    b.reset();
    expect(b.next()).toBe(250);
  });
});
