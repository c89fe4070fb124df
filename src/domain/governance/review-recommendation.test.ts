/** Recommendations and peer coverage. */
import { describe, expect, it } from 'vitest';
import { UNKNOWN_LAST_USED } from './campaign.js';
import { peerCoverage } from './peer-coverage.js';
import { recommend } from './review-recommendation.js';
import { itemReason } from './review-rules.js';

const now = new Date('2026-12-03T00:00:00Z');

describe('recommend', () => {
  it('revokes what nothing justifies', () => {
    const r = recommend({ reason: itemReason([]), peers: null, lastUsed: UNKNOWN_LAST_USED, now });
    expect(r).toEqual({
      recommendation: 'revoke',
      reason: expect.stringContaining('no justification'),
    });
  });
  it('revokes what was unused for N days, only when last use is known', () => {
    const old = {
      value: '2026-01-01T00:00:00Z',
      source: 'ad:lastLogonTimestamp',
      precision: '±14 days',
    };
    const base = { reason: itemReason(['birthright:all']), peers: null, now };
    expect(recommend({ ...base, lastUsed: old }).recommendation).toBe('revoke');
    expect(recommend({ ...base, lastUsed: old, unusedDays: 400 }).recommendation).toBe('keep');
    expect(recommend({ ...base, lastUsed: UNKNOWN_LAST_USED }).recommendation).toBe('keep');
  });
  it('revokes a request grant no peer holds; keeps a policy grant with its reason', () => {
    const none = { holders: 0, peers: 4 };
    expect(
      recommend({
        reason: itemReason(['request:r1']),
        peers: none,
        lastUsed: UNKNOWN_LAST_USED,
        now,
      }).recommendation,
    ).toBe('revoke');
    expect(
      recommend({
        reason: itemReason(['birthright:eng']),
        peers: { holders: 3, peers: 4 },
        lastUsed: UNKNOWN_LAST_USED,
        now,
      }),
    ).toEqual({ recommendation: 'keep', reason: 'granted by policy eng; 75% of peers hold it' });
  });
});

describe('peerCoverage', () => {
  it('counts peers of the same department and title, the person excluded', () => {
    const people = [
      { id: 'a', department: 'Eng', title: 'Dev' },
      { id: 'b', department: 'Eng', title: 'Dev' },
      { id: 'c', department: 'Eng', title: 'Dev' },
      { id: 'd', department: 'Eng', title: 'Lead' },
    ];
    const holdings = new Map([
      ['a', new Set(['gh/admin'])],
      ['b', new Set(['gh/admin'])],
      ['c', new Set<string>()],
    ]);
    const cover = peerCoverage(people, holdings);
    expect(cover('a', 'gh/admin')).toEqual({ holders: 1, peers: 2 });
    expect(cover('c', 'gh/admin')).toEqual({ holders: 2, peers: 2 });
    expect(cover('d', 'gh/admin')).toBeNull();
  });
});
