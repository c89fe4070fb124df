import { describe, expect, it } from 'vitest';
import type { ActualAccount, DesiredAccount } from '../../domain/types.js';
import { linkableManagers } from './manager-links.js';

const want = (identity: string, manager?: string): DesiredAccount => ({
  app_id: 'dir',
  identity_id: identity,
  account_id: identity,
  attributes: manager === undefined ? {} : { manager },
  container: null,
  enabled: true,
  entitlements: {},
  reasons: ['birthright:all'],
});
const stored = (identity: string): ActualAccount => ({
  app_id: 'dir',
  account_id: identity,
  identity_id: identity,
  attributes: {},
  container: null,
  enabled: false,
  entitlements: [],
});

describe('linkableManagers (one planning batch)', () => {
  it('keeps links to managers planned or stored anywhere, empties the others', async () => {
    const asked: string[][] = [];
    const batch = new Map([
      ['P1', [want('P1')]],
      ['P2', [want('P2', 'P1')]], // manager in the batch
      ['P3', [want('P3', 'P7')]], // manager in another batch, with a desired account
      ['P4', [want('P4', 'P8')]], // manager who left: only a stored (disabled) account
      ['P5', [want('P5', 'P900')]], // manager not in HR
    ]);
    const out = await linkableManagers(
      batch,
      [stored('P1')],
      {
        desiredOf: async (id) => (id === 'P7' ? [want('P7')] : []),
        accountsOf: async (ids) => {
          asked.push(ids);
          return ids.includes('P8') ? [stored('P8')] : [];
        },
      },
      () => true,
    );
    const managers = [...out.values()].map((l) => l[0]!.attributes.manager ?? '-');
    expect(managers).toEqual(['-', 'P1', 'P7', 'P8', '']);
    // Stored accounts are read only for the links desired accounts do not explain.
    expect(asked).toEqual([['P8', 'P900']]);
  });

  it('reads nothing when nobody names a manager', async () => {
    const batch = new Map([['P1', [want('P1')]]]);
    const fail = async (): Promise<never> => {
      throw new Error('no lookup expected');
    };
    expect(
      await linkableManagers(batch, [], { desiredOf: fail, accountsOf: fail }, () => true),
    ).toBe(batch);
    const linkless = new Map([['P2', [want('P2', 'P900')]]]);
    const none = () => false;
    expect(await linkableManagers(linkless, [], { desiredOf: fail, accountsOf: fail }, none)).toBe(
      linkless,
    );
  });
});
