import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { opKey } from './op-key.js';
import type { Operation } from './types.js';

type KeyInput = Omit<Operation, 'key'>;
const base = { reasons: [], lifecycle: [] };

/** The derivation as first written: stored keys (tasks, run operations, agent jobs) depend on it. */
function reference(op: KeyInput): string {
  const attrs =
    op.attributes &&
    Object.fromEntries(
      Object.keys(op.attributes)
        .sort()
        .map((k) => [k, op.attributes![k]]),
    );
  const canonical = JSON.stringify([
    op.kind === 'manual.task' ? `manual.task:${op.task?.action ?? ''}` : op.kind,
    op.app_id,
    op.account_id,
    op.identity_id,
    op.entitlement ?? null,
    attrs ?? null,
    op.container ?? null,
    op.enabled ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

describe('opKey', () => {
  it('gives the keys earlier versions stored', () => {
    const ops: KeyInput[] = [
      {
        ...base,
        kind: 'entitlement.grant',
        app_id: 'app01',
        identity_id: 'S000001',
        account_id: 'ada.lovelace.1@synthetic.example',
        entitlement: 'engineering-read',
      },
      {
        ...base,
        kind: 'account.create',
        app_id: 'dir',
        identity_id: 'E0042',
        account_id: 'E0042',
        attributes: { mail: 'zoë@x.test', cn: 'Zoë "Z" Ñúñez' },
        container: 'ou=Eng,ou=people',
        enabled: false,
      },
      {
        ...base,
        kind: 'manual.task',
        app_id: 'payroll',
        identity_id: null,
        account_id: 'svc-1',
        task: { action: 'account.disable', summary: 'x' },
      },
    ];
    expect(ops.map(opKey)).toEqual([
      '5edb2548f266058b7e6b7c273d7acb5a',
      '6b19b3abf74a7bf357826254369ad730',
      '848ad7b93b930887f71c46413caee211',
    ]);
  });

  it('equals the reference derivation for any operation, in any order of calls', () => {
    const text = fc.oneof(
      fc.constantFrom('a', 'app01', 'E1', '', 'x"y', 'back\\slash', 'new\nline', '\ud800'),
      fc.string({ unit: 'binary', maxLength: 6 }),
    );
    const opArb: fc.Arbitrary<KeyInput> = fc.record(
      {
        kind: fc.constantFrom(
          'account.create',
          'account.update',
          'entitlement.grant',
          'manual.task',
        ) as fc.Arbitrary<Operation['kind']>,
        app_id: text,
        account_id: text,
        identity_id: fc.option(text, { nil: null }),
        entitlement: text,
        attributes: fc.dictionary(text, text, { maxKeys: 4 }),
        container: fc.option(text, { nil: null }),
        enabled: fc.boolean(),
        task: fc.record({ action: fc.constantFrom('account.enable', 'account.disable') }),
        reasons: fc.constant([]),
        lifecycle: fc.constant([]),
      },
      { requiredKeys: ['kind', 'app_id', 'account_id', 'identity_id', 'reasons', 'lifecycle'] },
    ) as fc.Arbitrary<KeyInput>;
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 8 }), (ops) => {
        // Consecutive calls share cached JSON: repeat each op after its successor too.
        const seq = ops.flatMap((op, i) => [op, ops[i + 1] ?? op, op]);
        for (const op of seq) expect(opKey(op)).toBe(reference(op));
      }),
      { numRuns: 500 },
    );
  });
});
