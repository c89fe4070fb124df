/** desiredAttributes (special keys, defaults, refusals), diffChanges, AD login rules and collision names. */
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../domain/types.js';
import { collisionCandidate, desiredAttributes, diffChanges, loginProblem } from './attributes.js';
import { resolveProfile } from './profile.js';
import { ldapSettingsSchema } from './settings.js';

const profile = (flavour: 'openldap' | 'ad') =>
  resolveProfile(
    ldapSettingsSchema.parse({
      flavour,
      url: 'ldap://x',
      bind_dn: 'cn=a',
      bind_password: '${env:X}',
      users_base: 'ou=people,dc=x',
      groups_base: 'ou=groups,dc=x',
    }),
  );
const op = (attributes: Record<string, string>, over: Partial<Operation> = {}): Operation => ({
  key: 'k',
  kind: 'account.create',
  app_id: 'dir',
  identity_id: 'E1',
  account_id: 'jdoe',
  attributes,
  reasons: [],
  lifecycle: [],
  ...over,
});
const values = (d: ReturnType<typeof desiredAttributes>) =>
  Object.fromEntries([...d.values.values()].map((v) => [v.name, v.values]));

describe('desiredAttributes', () => {
  it('openldap: adds the employee id, defaults cn and sn on create only', () => {
    const p = profile('openldap');
    expect(values(desiredAttributes(op({ mail: 'j@x' }), p, { create: true }))).toEqual({
      mail: ['j@x'],
      employeeNumber: ['E1'],
      cn: ['jdoe'],
      sn: ['jdoe'],
    });
    expect(values(desiredAttributes(op({ mail: 'j@x' }), p, { create: false }))).toEqual({
      mail: ['j@x'],
      employeeNumber: ['E1'],
    });
  });

  it('ad: the cn is the RDN, upn from the suffix, account_expires as FILETIME, empty = never', () => {
    const p = profile('ad');
    const d = desiredAttributes(op({ cn: 'Jane Doe', account_expires: '2026-12-31' }), p, {
      create: true,
      upnSuffix: 'corp.example',
    });
    expect(d.rdnValue).toBe('Jane Doe');
    expect(values(d)).toEqual({
      accountExpires: ['134432352000000000'],
      employeeID: ['E1'],
      userPrincipalName: ['jdoe@corp.example'],
    });
    expect(
      values(desiredAttributes(op({ account_expires: '' }), p, { create: false })).accountExpires,
    ).toEqual(['0']);
  });

  it('manager is an employee id to resolve; empty removes the link and other attributes', () => {
    const d = desiredAttributes(op({ manager: 'E9', title: '' }), profile('openldap'), {
      create: false,
    });
    expect(d.manager).toBe('E9');
    expect(values(d).title).toEqual([]);
    expect(
      desiredAttributes(op({ manager: '' }), profile('openldap'), { create: false }).manager,
    ).toBeNull();
  });

  it.each([
    [{ userPassword: 'x' }, /managed by the connector/],
    [{ memberOf: 'x' }, /managed by the connector/],
    [{ uid: 'other' }, /managed by the connector/],
    [{ 'x)(y': 'x' }, /not an LDAP attribute name/],
    [{ account_expires: '2026-12-31' }, /only supported by the ad flavour/],
  ])('refuses %j', (attrs, reason) => {
    expect(() => desiredAttributes(op(attrs), profile('openldap'), { create: true })).toThrow(
      reason,
    );
  });
});

describe('diffChanges', () => {
  const entry = (attrs: Record<string, string[]>) => ({
    dn: 'uid=j',
    attrs: new Map(Object.entries(attrs)),
  });
  it('replaces what differs, deletes what must go, leaves the rest', () => {
    const d = desiredAttributes(op({ cn: 'Jane', title: '', mail: 'j@x' }), profile('openldap'), {
      create: false,
    });
    const changes = diffChanges(
      entry({ cn: ['Jane'], title: ['Dev'], mail: ['old@x'], employeenumber: ['E1'] }),
      d.values,
    );
    expect(changes.map((c) => [c.operation, c.modification.type, c.modification.values])).toEqual([
      ['delete', 'title', []],
      ['replace', 'mail', ['j@x']],
    ]);
  });

  it('treats the two "never" accountExpires values as equal, and compares manager DNs loosely', () => {
    const p = profile('ad');
    const d = desiredAttributes(op({ account_expires: '' }), p, { create: false });
    d.values.set('manager', { name: 'manager', values: ['CN=Boss,OU=People,DC=x'] });
    const current = entry({
      accountexpires: ['9223372036854775807'],
      manager: ['cn=boss,ou=people,dc=x'],
      employeeid: ['E1'],
    });
    expect(diffChanges(current, d.values)).toEqual([]);
  });

  it('compares every DN-valued attribute as the directory does: a respelt DN is no write', () => {
    const d = desiredAttributes(
      op({ seeAlso: 'cn=Handbook, ou=Docs,dc=x', secretary: 'uid=amy,dc=x' }),
      profile('openldap'),
      { create: false },
    );
    const current = entry({
      seealso: ['CN=handbook,OU=docs,DC=x'],
      secretary: ['uid=bob,dc=x'],
      employeenumber: ['E1'],
    });
    expect(diffChanges(current, d.values).map((c) => c.modification.type)).toEqual(['secretary']);
  });
});

describe('logins', () => {
  it('ad: sAMAccountName rules, with the reason', () => {
    const p = profile('ad');
    expect(loginProblem('jdoe', p)).toBeUndefined();
    expect(loginProblem('王小明', p)).toBeUndefined();
    expect(loginProblem('a'.repeat(21), p)).toMatch(/longer than 20/);
    expect(loginProblem('a[b]', p)).toMatch(/"\[" "\]"/);
    expect(loginProblem('dot.', p)).toMatch(/ends with "\."/);
    expect(loginProblem('  ', p)).toMatch(/empty/);
    expect(loginProblem('a+b"c\\<d>;e=f', profile('openldap'))).toBeUndefined();
  });

  it('collision candidates stay within 20 characters for ad', () => {
    expect(collisionCandidate('jdoe', 2, profile('ad'))).toBe('jdoe2');
    expect(collisionCandidate('abcdefghijklmnopqrst', 2, profile('ad'))).toBe(
      'abcdefghijklmnopqrs2',
    );
    expect(collisionCandidate('abcdefghijklmnopqrst', 10, profile('ad'))).toBe(
      'abcdefghijklmnopqr10',
    );
    expect(collisionCandidate('a-very-long-openldap-uid', 2, profile('openldap'))).toBe(
      'a-very-long-openldap-uid2',
    );
  });
});
