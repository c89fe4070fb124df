/** The connector contract as one case suite: every connector runs it against its real target. */
import { describe, expect, it } from 'vitest';
import type { AccountRecord, Connector } from '../../src/connectors/contract.js';
import type { Operation, OperationResult } from '../../src/domain/types.js';

export type ContractTarget = {
  /** A fresh connector on an empty target. */
  make(): Promise<Connector>;
  /** False for targets that cannot be read (manual): results must then be pending_manual. */
  readsBack: boolean;
};

let n = 0;
export const op = (
  kind: Operation['kind'],
  account: string,
  extra: Partial<Operation> = {},
): Operation => ({
  key: `k${++n}-${kind}-${account}-${extra.entitlement ?? ''}`,
  kind,
  app_id: 'app',
  identity_id: account,
  account_id: account,
  reasons: [],
  lifecycle: [],
  ...extra,
});

export async function collect(it: AsyncIterable<OperationResult>): Promise<OperationResult[]> {
  const out: OperationResult[] = [];
  for await (const r of it) out.push(r);
  return out;
}

async function readAll(c: Connector): Promise<Map<string, AccountRecord>> {
  const m = new Map<string, AccountRecord>();
  for await (const a of c.read()) m.set(a.account_id, a);
  return m;
}

export const HOSTILE_NAMES = [
  'a+b"c\\<d>;e=f',
  '#hash',
  ' padded ',
  '*)(uid=*',
  'Zoë Ñúñez',
  '王小明',
  "O'Brien, Jr.",
];

export function runConnectorContract(name: string, target: ContractTarget): void {
  describe(`connector contract: ${name}`, () => {
    it('check() reports ok on a reachable target', async () => {
      const c = await target.make();
      const r = await c.check();
      expect(r.ok).toBe(true);
      expect(r.checks.length).toBeGreaterThan(0);
      await c.close();
    });

    it('yields exactly one result per operation, keyed by the operation', async () => {
      const c = await target.make();
      const ops = [
        op('account.create', 'u1', { attributes: { cn: 'User One' } }),
        op('account.create', 'u2', { attributes: { cn: 'User Two' } }),
        op('account.disable', 'u3'),
      ];
      const results = await collect(c.apply(ops));
      expect(results.map((r) => r.key).sort()).toEqual(ops.map((o) => o.key).sort());
      const expected = target.readsBack ? 'success' : 'pending_manual';
      for (const r of results) expect(r.outcome).toBe(expected);
      await c.close();
    });

    if (!target.readsBack) return;

    it('create, grant, update, disable, revoke, enable are reflected by read()', async () => {
      const c = await target.make();
      await collect(
        c.apply([
          op('account.create', 'jdoe', { attributes: { cn: 'Jane Doe', mail: 'j@x.test' } }),
        ]),
      );
      await collect(
        c.apply([
          op('entitlement.grant', 'jdoe', { entitlement: 'staff' }),
          op('entitlement.grant', 'jdoe', { entitlement: 'vpn' }),
        ]),
      );
      let acct = (await readAll(c)).get('jdoe');
      expect(acct?.enabled).toBe(true);
      expect(acct?.attributes.cn).toBe('Jane Doe');
      expect([...(acct?.entitlements ?? [])].sort()).toEqual(['staff', 'vpn']);

      await collect(
        c.apply([
          op('account.update', 'jdoe', { attributes: { cn: 'Jane Smith', mail: 'j@x.test' } }),
        ]),
      );
      await collect(
        c.apply([
          op('entitlement.revoke', 'jdoe', { entitlement: 'vpn' }),
          op('account.disable', 'jdoe'),
        ]),
      );
      acct = (await readAll(c)).get('jdoe');
      expect(acct?.attributes.cn).toBe('Jane Smith');
      expect(acct?.enabled).toBe(false);
      expect(acct?.entitlements).toEqual(['staff']);

      await collect(c.apply([op('account.enable', 'jdoe')]));
      expect((await readAll(c)).get('jdoe')?.enabled).toBe(true);
      await c.close();
    });

    it('is idempotent: applying the same operations twice succeeds and changes nothing', async () => {
      const c = await target.make();
      const ops = [
        op('account.create', 'idem', { attributes: { cn: 'Idem Potent' } }),
        op('entitlement.grant', 'idem', { entitlement: 'staff' }),
      ];
      await collect(c.apply(ops));
      const before = await readAll(c);
      const again = await collect(c.apply(ops));
      for (const r of again) expect(r.outcome).toBe('success');
      expect(await readAll(c)).toEqual(before);
      await c.close();
    });

    it('one failing operation never aborts the others', async () => {
      const c = await target.make();
      const bad = op('entitlement.grant', 'nobody-here', { entitlement: 'staff' });
      const good = op('account.create', 'fine', { attributes: { cn: 'Fine' } });
      const results = await collect(c.apply([bad, good]));
      expect(results.find((r) => r.key === bad.key)?.outcome).toBe('failure');
      expect(results.find((r) => r.key === bad.key)?.message).toBeTruthy();
      expect(results.find((r) => r.key === good.key)?.outcome).toBe('success');
      expect((await readAll(c)).has('fine')).toBe(true);
      await c.close();
    });

    it('hostile names round-trip unchanged', async () => {
      const c = await target.make();
      const ops = HOSTILE_NAMES.map((name, i) =>
        op('account.create', `hostile${i}`, { attributes: { cn: name } }),
      );
      const results = await collect(c.apply(ops));
      for (const r of results) expect(r.outcome).toBe('success');
      const read = await readAll(c);
      HOSTILE_NAMES.forEach((name, i) => {
        expect(read.get(`hostile${i}`)?.attributes.cn).toBe(name);
      });
      await c.close();
    });
  });
}
