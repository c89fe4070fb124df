import { describe, expect, it } from 'vitest';
import { backoffMs, retryAfterMs } from './retry-after.js';

const now = new Date('2026-11-26T09:00:00.000Z');

describe('Retry-After', () => {
  it('reads delay-seconds', () => {
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date, a past one meaning now', () => {
    expect(retryAfterMs('Thu, 26 Nov 2026 09:00:07 GMT', now)).toBe(7000);
    expect(retryAfterMs('Wed, 25 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    for (const h of [undefined, null, '', '-1', '1.5', '12abc', 'soon', 'Xyz, 99 Foo 2026'])
      expect(retryAfterMs(h, now)).toBeUndefined();
  });

  it('backs off exponentially, capped', () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffMs(a, 5000))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});
