import { describe, expect, it } from 'vitest';
import type { Operation, OperationKind } from '../../domain/types.js';
import { groupAgentJobs, jobKey, siteOf } from './routing.js';

const op = (kind: OperationKind, account: string, extra: Partial<Operation> = {}): Operation => ({
  key: `${kind}:${account}:${extra.entitlement ?? ''}`,
  kind,
  app_id: 'dir',
  identity_id: account,
  account_id: account,
  reasons: [],
  lifecycle: [],
  ...extra,
});

describe('agent routing', () => {
  it('reads the site from the route', () => {
    expect(siteOf({ route: 'agent:HQ' })).toBe('HQ');
    expect(siteOf({ route: 'direct' })).toBeUndefined();
    expect(siteOf(undefined)).toBeUndefined();
  });

  it('makes one job per account, its operations in dependency order, creates first', () => {
    const ops = [
      op('account.disable', 'b'),
      op('entitlement.revoke', 'b', { entitlement: 'vpn' }),
      op('entitlement.grant', 'a', { entitlement: 'staff' }),
      op('account.update', 'a'),
      op('account.create', 'c'),
      op('account.create', 'a'),
    ];
    const jobs = groupAgentJobs('run_1', ops, () => 'HQ');
    expect(jobs.map((j) => [j.account_id, j.operations.map((o) => o.kind)])).toEqual([
      ['a', ['account.create', 'account.update', 'entitlement.grant']],
      ['c', ['account.create']],
      ['b', ['entitlement.revoke', 'account.disable']],
    ]);
    expect(jobs[0]).toMatchObject({ run_id: 'run_1', app_id: 'dir', site: 'HQ' });
  });

  it('keys a job by its operations: the same work has the same key in any run', () => {
    const a = [op('account.create', 'a'), op('entitlement.grant', 'a', { entitlement: 'x' })];
    expect(groupAgentJobs('r1', a, () => 'HQ')[0]!.idempotency_key).toBe(
      groupAgentJobs('r2', [...a].reverse(), () => 'HQ')[0]!.idempotency_key,
    );
    expect(jobKey(a)).not.toBe(jobKey(a.slice(0, 1)));
  });
});
