import { describe, expect, it } from 'vitest';
import { linksManagers, managerIdsOf, withLinkableManagers } from './manager-links.js';
import type { DesiredAccount } from './types.js';

const account = (identity: string, app: string, manager?: string): DesiredAccount => ({
  app_id: app,
  identity_id: identity,
  account_id: identity,
  attributes: { cn: identity, ...(manager === undefined ? {} : { manager }) },
  container: null,
  enabled: true,
  entitlements: {},
  reasons: ['birthright:all'],
});

describe('manager links', () => {
  const desired = new Map([
    ['P1', [account('P1', 'dir', '')]],
    [
      'P2',
      [account('P2', 'dir', 'P1'), account('P2', 'ldap2', 'P1'), account('P2', 'hr-csv', 'P1')],
    ],
    ['P3', [account('P3', 'dir', 'P900'), account('P3', 'hr-csv', 'P901')]],
    ['P4', [account('P4', 'dir')]],
  ]);
  const accounts = new Set(['P1/dir']);
  const hasAccount = (m: string, app: string) => accounts.has(`${m}/${app}`);
  // hr-csv (csv-export): `manager` is a column like any other, never emptied.
  const links = (app: string) => app !== 'hr-csv';

  it('lists each manager named by a link once', () => {
    expect(managerIdsOf(desired.values(), links).sort()).toEqual(['P1', 'P900']);
  });

  it("ldap managers are links; other connectors' are values", () => {
    expect(linksManagers({ connector: 'ldap' })).toBe(true);
    expect(linksManagers({ connector: 'csv-export' })).toBe(false);
    expect(linksManagers(undefined)).toBe(false);
  });

  it('empties a link to a manager with no account in that application, keeps the others', () => {
    const out = withLinkableManagers(desired, hasAccount, links);
    expect(out.get('P2')!.map((d) => d.attributes.manager)).toEqual(['P1', '', 'P1']);
    expect(out.get('P3')!.map((d) => d.attributes.manager)).toEqual(['', 'P901']);
    expect(out.get('P4')![0]!.attributes).toEqual({ cn: 'P4' });
  });

  it('never mutates the input and returns untouched lists as they are', () => {
    const out = withLinkableManagers(desired, hasAccount, links);
    expect(desired.get('P3')![0]!.attributes.manager).toBe('P900');
    expect(out.get('P1')).toBe(desired.get('P1'));
    expect(out.get('P4')).toBe(desired.get('P4'));
  });
});
