import { describe, expect, it } from 'vitest';
import type { Operation } from '../domain/types.js';
import type { AgentJob } from '../protocol/agent-v1.js';
import { createsOf, failedCreateJobs, planRounds } from './rounds.js';

const op = (key: string, kind: Operation['kind'], identity: string): Operation => ({
  key,
  kind,
  app_id: 'dir',
  identity_id: identity,
  account_id: identity,
  reasons: [],
  lifecycle: [],
});
const job = (id: number, identity: string, kinds: Operation['kind'][]): AgentJob => ({
  job_id: id,
  lease_id: `l${id}`,
  lease_expires_at: '2026-11-26T10:00:00Z',
  attempt: 1,
  idempotency_key: `k${id}`,
  run_id: 'r1',
  app_id: 'dir',
  operations: kinds.map((k, i) => op(`${id}:${i}`, k, identity)),
});

describe('rounds of a leased batch', () => {
  it('one job per account per round, in job order; others share the first round', () => {
    const jobs = [
      job(5, 'P1', ['entitlement.revoke']),
      job(2, 'P1', ['entitlement.grant']),
      job(3, 'P2', ['account.disable']),
      job(9, 'P1', ['account.update']),
      job(4, 'P3', ['account.create']),
    ];
    expect(planRounds(jobs).map((r) => r.map((j) => j.job_id))).toEqual([[2, 3, 4], [5], [9]]);
  });

  it('a failed create blocks the rest of its job only', () => {
    const round = [
      job(1, 'P1', ['account.create', 'entitlement.grant']),
      job(2, 'P2', ['account.create', 'entitlement.grant']),
    ];
    expect(createsOf(round).map((o) => o.key)).toEqual(['1:0', '2:0']);
    const results = new Map([
      ['1:0', { key: '1:0', outcome: 'failure' as const, message: 'x' }],
      ['2:0', { key: '2:0', outcome: 'success' as const }],
    ]);
    expect([...failedCreateJobs(round, results)]).toEqual([1]);
  });
});
