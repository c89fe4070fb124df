import { describe, expect, it } from 'vitest';
import type { Operation } from '../../domain/types.js';
import { createMapping, desiredValues, isActive, patchOps, putBody, toAccount } from './mapping.js';
import { ENTERPRISE_USER, scimSettingsSchema } from './settings.js';

const settings = (over: Record<string, unknown> = {}) =>
  scimSettingsSchema.parse({
    base_url: 'https://scim.example/v2',
    auth: { type: 'bearer', token: '${env:T}' },
    attributes: { cn: 'displayName', mail: 'emails[type eq "work"].value' },
    ...over,
  });
const m = createMapping(settings());
const op = (attributes: Record<string, string>, over: Partial<Operation> = {}): Operation => ({
  key: 'k',
  kind: 'account.update',
  app_id: 'a',
  identity_id: 'E1',
  account_id: 'ann',
  attributes,
  reasons: [],
  lifecycle: [],
  ...over,
});

describe('scim mapping', () => {
  it('patches only what differs: replace, add through a missing filter, remove empties', () => {
    const user = {
      userName: 'ann',
      displayName: 'Ann',
      title: 'Old',
      active: true,
      [ENTERPRISE_USER]: { employeeNumber: 'E1' },
    };
    const values = desiredValues(op({ cn: 'Ann', mail: 'a@x', title: '' }), m);
    expect(patchOps(user, values, false, m)).toEqual([
      { op: 'add', path: 'emails', value: [{ type: 'work', value: 'a@x' }] },
      { op: 'remove', path: 'title' },
      { op: 'replace', path: 'active', value: false },
    ]);
    const withMail = { ...user, title: undefined, emails: [{ type: 'work', value: 'old@x' }] };
    expect(patchOps(withMail, values, undefined, m)).toEqual([
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'a@x' },
    ]);
    expect(
      patchOps({ ...withMail, emails: [{ type: 'work', value: 'a@x' }] }, values, true, m),
    ).toEqual([]);
  });

  it('Okta-style active is a path-less replace', () => {
    const okta = createMapping(settings({ quirks: { patch_active: 'value' } }));
    expect(patchOps({ active: true }, [], false, okta)).toEqual([
      { op: 'replace', value: { active: false } },
    ]);
  });

  it('reads "True"/"False" strings as booleans, and an absent active as enabled', () => {
    expect(isActive({ active: 'False' })).toBe(false);
    expect(isActive({ active: 'True' })).toBe(true);
    expect(isActive({})).toBe(true);
    expect(isActive({ active: false })).toBe(false);
  });

  it('refuses unmapped attributes, naming the setting to fix', () => {
    expect(() => desiredValues(op({ uid: 'x' }), m)).toThrow(
      'attribute "uid" has no SCIM path: map it in settings.attributes (e.g. uid: displayName)',
    );
    expect(desiredValues(op({ 'name.givenName': 'A' }), m)[0]?.[0]).toMatchObject({
      attr: 'name',
      sub: 'givenName',
    });
  });

  it('PUT bodies carry the whole resource without read-only parts', () => {
    const user = {
      schemas: ['s'],
      id: '1',
      userName: 'ann',
      displayName: 'A',
      meta: { version: 'v' },
      groups: [],
    };
    expect(
      putBody(user, desiredValues(op({ cn: 'A' }, { identity_id: null }), m), true),
    ).toBeUndefined();
    expect(putBody(user, desiredValues(op({ cn: 'B' }, { identity_id: null }), m), false)).toEqual({
      schemas: ['s'],
      id: '1',
      userName: 'ann',
      displayName: 'B',
      active: false,
    });
  });

  it('reads a user back as an account record', () => {
    const rec = toAccount(
      {
        userName: 'ann',
        displayName: 'Ann',
        emails: [{ type: 'work', value: 'a@x' }],
        active: 'False',
        [ENTERPRISE_USER]: { employeeNumber: 'E1' },
      },
      m,
      ['vpn', 'staff', 'vpn'],
    );
    expect(rec).toEqual({
      account_id: 'ann',
      attributes: { cn: 'Ann', mail: 'a@x' },
      container: null,
      enabled: false,
      entitlements: ['staff', 'vpn'],
      employee_id: 'E1',
    });
  });

  it('auth errors name the key, whatever the type', () => {
    const issues = (auth: unknown) =>
      scimSettingsSchema
        .safeParse({ base_url: 'https://x', auth })
        .error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(
      issues({ type: 'oauth_client_credentials', url: 'https://x/t', token: '${env:T}' }),
    ).toEqual([
      'auth.client_id: required with type oauth_client_credentials',
      'auth.client_secret: required with type oauth_client_credentials',
      'auth.token: not used with type oauth_client_credentials',
    ]);
    expect(issues({ type: 'basic' })?.[0]).toMatch(/^auth\.type: Invalid option/);
    expect(issues({ type: 'bearer' })).toEqual(['auth.token: required with type bearer']);
  });

  it('settings errors name the key and the reason', () => {
    const bad = scimSettingsSchema.safeParse({
      base_url: 'ftp://x',
      auth: { type: 'bearer', token: 'plain' },
      attributes: { a: 'userName', b: 'emails[type eq "w"]' },
      groups: { g: { name: 'x' } },
    });
    expect(bad.success).toBe(false);
    const issues = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'base_url: must be an http:// or https:// URL',
        'auth.token: secrets must be written as ${env:NAME}',
        'attributes.a: "userName" is managed by the connector itself',
        'attributes.b: "emails[type eq "w"]" selects an element: name the sub-attribute (e.g. emails[type eq "w"].value)',
        'groups.g: must be a group displayName or { id: "<SCIM group id>" }',
      ]),
    );
  });
});
