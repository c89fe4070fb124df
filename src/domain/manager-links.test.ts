import { describe, expect, it } from 'vitest';
import { managerIdsOf, withLinkableManagers } from './manager-links.js';
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
    ['P2', [account('P2', 'dir', 'P1'), account('P2', 'saas', 'P1')]],
    ['P3', [account('P3', 'dir', 'P900')]],
    ['P4', [account('P4', 'dir')]],
  ]);
  const accounts = new Set(['P1/dir']);
  const hasAccount = (m: string, app: string) => accounts.has(`${m}/${app}`);

  it('lists each manager once', () => {
    expect(managerIdsOf(desired.values()).sort()).toEqual(['P1', 'P900']);
  });

  it('empties a link to a manager with no account in that application, keeps the others', () => {
    const out = withLinkableManagers(desired, hasAccount);
    expect(out.get('P2')!.map((d) => d.attributes.manager)).toEqual(['P1', '']);
    expect(out.get('P3')![0]!.attributes).toEqual({ cn: 'P3', manager: '' });
    expect(out.get('P4')![0]!.attributes).toEqual({ cn: 'P4' });
  });

  it('never mutates the input and returns untouched lists as they are', () => {
    const out = withLinkableManagers(desired, hasAccount);
    expect(desired.get('P3')![0]!.attributes.manager).toBe('P900');
    expect(out.get('P1')).toBe(desired.get('P1'));
    expect(out.get('P4')).toBe(desired.get('P4'));
  });
});
