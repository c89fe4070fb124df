/** Tests: the old values of updated and moved accounts, and one explanation per identity with operations. */
import { describe, expect, it } from 'vitest';
import { app, appMap, hr, identity } from '../../domain/test-fixtures.js';
import type { ActualAccount, Operation } from '../../domain/types.js';
import { type BeforeValues, explainIdentities, recordBefore } from './explain-plan.js';

const op = (over: Partial<Operation> & Pick<Operation, 'kind' | 'key'>): Operation => ({
  app_id: 'ad',
  identity_id: 'E1',
  account_id: 'jdoe',
  reasons: [],
  lifecycle: ['mover'],
  ...over,
});
const account: ActualAccount = {
  app_id: 'ad',
  account_id: 'jdoe',
  identity_id: 'E1',
  attributes: { dept: 'Sales' },
  container: 'ou=sales',
  enabled: true,
  entitlements: ['sales'],
};

describe('recordBefore', () => {
  it('keeps the current values of accounts that updates, moves (and their manual tasks) change', () => {
    const into = new Map<string, BeforeValues>();
    const ops = [
      op({ kind: 'account.move', key: 'm', container: 'ou=eng' }),
      op({ kind: 'entitlement.revoke', key: 'r', entitlement: 'sales' }),
      op({ kind: 'manual.task', key: 't', task: { action: 'account.update', summary: '' } }),
      op({ kind: 'account.update', key: 'gone', account_id: 'nobody' }),
    ];
    recordBefore(ops, [account], appMap([app('ad')]), into);
    expect([...into]).toEqual([
      ['m', { changed: [], attributes: {}, container: 'ou=sales' }],
      ['t', { changed: [], attributes: {}, container: 'ou=sales' }],
    ]);
  });

  it('lists the attributes an update changes as the plan compares them: names without case, DNs as DNs', () => {
    const held: ActualAccount = {
      ...account,
      attributes: { Dept: 'Sales', manager: 'CN=Boss,OU=People,DC=x', title: 'Rep' },
    };
    const attributes = { dept: 'Engineering', manager: 'cn=boss,ou=people,dc=x', title: 'Rep' };
    const update = op({ kind: 'account.update', key: 'u', attributes });
    const ldap = new Map<string, BeforeValues>();
    recordBefore([update], [held], appMap([app('ad', { connector: 'ldap' })]), ldap);
    expect(ldap.get('u')).toEqual({
      container: 'ou=sales',
      changed: ['dept'],
      attributes: { dept: 'Sales' },
    });
    // Elsewhere a value is compared as spelt.
    const scim = new Map<string, BeforeValues>();
    recordBefore([update], [held], appMap([app('ad')]), scim);
    expect(scim.get('u')?.changed).toEqual(['dept', 'manager']);
  });
});

describe('explainIdentities', () => {
  it('explains each identity with operations once, from history facts or else its labels', () => {
    const who = new Map([
      ['E1', identity({ employee_id: 'E1', department: 'Engineering' })],
      ['E2', identity({ employee_id: 'E2', start_date: '2026-12-03' })],
    ]);
    const facts = new Map([
      [
        'E1',
        { events: ['mover'], previous: hr({ department: 'Sales' }), at: '2026-12-01T09:00:00Z' },
      ],
    ]);
    const ops = [
      op({ kind: 'account.move', key: 'a' }),
      op({ kind: 'entitlement.revoke', key: 'b' }),
      op({ kind: 'account.create', key: 'c', identity_id: 'E2', lifecycle: ['joiner'] }),
      op({ kind: 'account.disable', key: 'd', identity_id: null }),
    ];
    const out = explainIdentities(ops, who, facts, 'Europe/Paris');
    expect([...out]).toEqual([
      [
        'E1',
        {
          name: 'Jane Doe',
          headline: 'mover: Sales → Engineering on 2026-12-01',
          removal: 'mover: no longer in Sales',
        },
      ],
      ['E2', { name: 'Jane Doe', headline: 'joiner: starts 2026-12-03' }],
    ]);
  });
});
