/** Assignment: each strategy names its reviewer, and nobody ever gets their own access to review. */
import { describe, expect, it } from 'vitest';
import { REVIEWER_STRATEGIES, type ReviewStage, type SnapshotEntry } from './campaign.js';
import { assignReviewer, type ReviewerDirectory } from './review-assignment.js';

const managers: Record<string, string> = { alice: 'bob', bob: 'carol', carol: 'dave' };
const emails: Record<string, string> = { 'alice@x.example': 'alice', 'bob@x.example': 'bob' };
const dir = (over: Partial<ReviewerDirectory> = {}): ReviewerDirectory => ({
  managerOf: (id) => managers[id],
  resolve: (ref) => emails[ref.toLowerCase()] ?? ref,
  applicationOwner: () => 'alice@x.example',
  entitlementOwner: () => 'alice',
  ...over,
});
const entry = (who: string, ent: string | null = 'admins'): SnapshotEntry => ({
  identity_id: who,
  app_id: 'github',
  account_id: who,
  entitlement_id: ent,
});
const stage = (strategy: ReviewStage['strategy']): ReviewStage => ({
  strategy,
  ...(strategy === 'named' && { reviewers: ['alice'] }),
});

describe('assignReviewer', () => {
  it('follows the strategy when the reviewer is someone else', () => {
    expect(assignReviewer(entry('alice'), stage('manager'), dir(), 'sec')).toEqual({
      reviewer: 'bob',
      route: 'strategy',
      wanted: null,
    });
    expect(assignReviewer(entry('erin'), stage('application_owner'), dir(), 'sec')?.reviewer).toBe(
      'alice',
    );
    expect(assignReviewer(entry('erin'), stage('entitlement_owner'), dir(), 'sec')?.reviewer).toBe(
      'alice',
    );
    expect(assignReviewer(entry('erin'), stage('named'), dir(), 'sec')?.reviewer).toBe('alice');
  });

  // The self-review proof, for every strategy: alice's own item never lands with alice.
  it.each(REVIEWER_STRATEGIES)('never gives the holder their own access (%s)', (strategy) => {
    // For `manager`, alice is her own manager here: the HR data is wrong, the rule still holds.
    const d = dir(
      strategy === 'manager'
        ? { managerOf: (id) => (id === 'alice' ? 'alice' : managers[id]) }
        : {},
    );
    const a = assignReviewer(entry('alice'), stage(strategy), d, 'sec');
    expect(a).toBeDefined();
    expect(a!.reviewer).not.toBe('alice');
    // alice's manager (bob) gets it (for `manager`, her manager is herself again: the fallback).
    expect(a).toMatchObject(
      strategy === 'manager'
        ? { reviewer: 'sec', route: 'fallback', wanted: 'alice' }
        : { reviewer: 'bob', route: 'manager_of_reviewer', wanted: 'alice' },
    );
    const orphaned = assignReviewer(
      entry('alice'),
      stage(strategy),
      {
        ...d,
        managerOf: (id) =>
          id === 'alice' ? (strategy === 'manager' ? 'alice' : undefined) : managers[id],
      },
      'sec',
    );
    expect(orphaned).toMatchObject({ reviewer: 'sec', route: 'fallback' });
  });

  it('reviewers named by email resolve to the holder too (no self-review by another name)', () => {
    const a = assignReviewer(
      entry('alice'),
      { strategy: 'named', reviewers: ['ALICE@x.example'] },
      dir(),
      'sec',
    );
    expect(a).toMatchObject({ reviewer: 'bob', route: 'manager_of_reviewer' });
  });

  it('named: the first named reviewer who is not the holder', () => {
    const a = assignReviewer(
      entry('alice'),
      { strategy: 'named', reviewers: ['alice', 'zoe'] },
      dir(),
      'sec',
    );
    expect(a).toMatchObject({ reviewer: 'zoe', route: 'strategy' });
  });

  it('nobody named: the fallback; the fallback being the holder: no reviewer at all', () => {
    const none = dir({ applicationOwner: () => undefined });
    expect(assignReviewer(entry('erin'), stage('application_owner'), none, 'sec')).toMatchObject({
      reviewer: 'sec',
      route: 'fallback',
      wanted: null,
    });
    expect(assignReviewer(entry('sec'), stage('application_owner'), none, 'sec')).toBeUndefined();
  });
});
