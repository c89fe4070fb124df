import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccountRecord } from '../contract.js';
import { changeRows, loadTable, pieces, readAccounts, tableOf } from './account-table.js';
import { parseAccountFile } from './csv-file.js';

const bytesOf = (t: ReturnType<typeof tableOf>) => Buffer.concat(pieces(t));
const account = (id: string, attributes: Record<string, string> = {}): AccountRecord => ({
  account_id: id,
  employee_id: id.toUpperCase(),
  enabled: true,
  container: null,
  entitlements: ['staff'],
  attributes,
});

const ID = fc.constantFrom('a', 'b', 'c,d', 'e"f', 'g\nh', 'Zoë', '王', 'z', '');
const VALUE = fc.constantFrom('', 'x', 'Ann, "The" One', 'two\nlines', ' padded ');
const accountArb = (id: string) =>
  fc.record({
    account_id: fc.constant(id),
    employee_id: fc.option(fc.constantFrom('E1', 'E2'), { nil: null }),
    enabled: fc.boolean(),
    container: fc.option(fc.constantFrom('ou=a', 'ou=b,ou=c'), { nil: null }),
    entitlements: fc.uniqueArray(fc.constantFrom('staff', 'vpn', 'wiki')),
    attributes: fc.dictionary(fc.constantFrom('cn', 'mail', 'title'), VALUE, { maxKeys: 3 }),
  });
/** A batch: accounts set (or removed: undefined) by id. */
const batchArb = fc
  .uniqueArray(ID, { minLength: 1, maxLength: 4 })
  .chain((ids) =>
    fc.tuple(...ids.map((id) => fc.option(accountArb(id), { nil: undefined, freq: 4 }))),
  );

describe('account table', () => {
  it('changed row by row, it writes exactly the file rendered afresh from the same accounts', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { maxLength: 12 }), fc.boolean(), (batches, reload) => {
        const model = new Map<string, AccountRecord>();
        let t = tableOf([]);
        for (const batch of batches) {
          const changes = new Map(
            batch.map((a, i) => [a?.account_id ?? [...model.keys()][i] ?? 'a', a]),
          );
          // What the connector passes: the columns a changed account had a value for, and lost.
          const vacated = new Set<string>();
          for (const id of changes.keys())
            for (const [k, v] of Object.entries(model.get(id)?.attributes ?? {}))
              if (v !== '') vacated.add(k);
          for (const a of changes.values())
            for (const [k, v] of Object.entries(a?.attributes ?? {}))
              if (v !== '') vacated.delete(k);
          for (const [id, a] of changes) {
            if (a) model.set(id, structuredClone(a));
            else model.delete(id);
          }
          t = changeRows(t, changes, vacated);
          expect(bytesOf(t).toString()).toBe(bytesOf(tableOf(model.values())).toString());
          // A fresh process loads what was written, and goes on from there.
          if (reload) t = loadTable(bytesOf(t));
        }
        const back = readAccounts(t, model.keys());
        expect(new Map([...back].map(([id, a]) => [id, a.attributes]))).toEqual(
          new Map([...parseAccountFile(bytesOf(t))].map(([id, a]) => [id, a.attributes])),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('loads a file it wrote without parsing it, and parses any other file in full', () => {
    const written = bytesOf(tableOf([account('b', { cn: 'B' }), account('a', { cn: 'A' })]));
    expect(loadTable(written).base).toBe(written);
    const foreign = [
      Buffer.from(`\ufeff${written.toString()}`),
      Buffer.from(written.toString().replaceAll('\n', '\r\n')),
      Buffer.from(
        'account_id,employee_id,enabled,container,entitlements,cn\nb,B,true,,staff,B\na,A,true,,staff,A\n',
      ),
      Buffer.from('employee_id,account_id,enabled,container,entitlements,cn\nB,b,true,,staff,B\n'),
    ];
    for (const bytes of foreign) {
      const t = loadTable(bytes);
      expect(t.base).not.toBe(bytes);
      expect(bytesOf(t)).toEqual(bytesOf(tableOf(parseAccountFile(bytes).values())));
    }
  });

  it('compacts the rows once they would be written in too many pieces', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `u${String(i).padStart(4, '0')}`);
    let t = tableOf(ids.map((id) => account(id, { cn: id })));
    const changes = new Map(ids.filter((_, i) => i % 2 === 0).map((id) => [id, account(id)]));
    t = changeRows(t, changes, new Set());
    const written = pieces(t);
    expect(written).toHaveLength(2); // header + one compacted buffer
    expect(t.changed.size).toBe(0);
    const expected = ids.map((id, i) => (i % 2 === 0 ? account(id) : account(id, { cn: id })));
    expect(Buffer.concat(written)).toEqual(bytesOf(tableOf(expected)));
  });
});
