import { mkdtempSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import lockfile from 'proper-lockfile';
import { describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../src/connectors/contract.js';
import { csvExportConnector } from '../../src/connectors/csv-export/csv-export-connector.js';
import { writeAccountFile } from '../../src/connectors/csv-export/csv-file.js';
import type { Operation } from '../../src/domain/types.js';
import { collect, op, runConnectorContract } from './contract-suite.js';

const silent = { info() {}, warn() {}, error() {} };
const make = (dir = mkdtempSync(join(tmpdir(), 'csv-export-'))) =>
  csvExportConnector.create({
    appId: 'app',
    config: { path: 'out/accounts.csv' },
    secret: () => '',
    baseDir: dir,
    log: silent,
  });

runConnectorContract('csv-export', { make: () => make(), readsBack: true });

describe('csv-export file', () => {
  it('writes atomically: no temp files left, header then one row per account', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-export-'));
    const c = await make(dir);
    await collect(c.apply([op('account.create', 'a1', { attributes: { cn: 'Ann, "The" One' } })]));
    expect(readdirSync(join(dir, 'out'))).toEqual(['accounts.csv']);
    const text = readFileSync(join(dir, 'out', 'accounts.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('account_id,employee_id,enabled,container,entitlements,cn');
    expect(text).toContain('"Ann, ""The"" One"');
  });

  it('creates a pre-hire account disabled when the operation says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-export-'));
    const c = await make(dir);
    await collect(c.apply([op('account.create', 'pre', { attributes: {}, enabled: false })]));
    const text = readFileSync(join(dir, 'out', 'accounts.csv'), 'utf8');
    expect(text.split('\n')[1]).toMatch(/^pre,pre,false,/);
  });

  it('refuses an entitlement id containing the cell separator', async () => {
    const c = await make();
    await collect(c.apply([op('account.create', 'a1', { attributes: {} })]));
    const [r] = await collect(c.apply([op('entitlement.grant', 'a1', { entitlement: 'x;y' })]));
    expect(r?.outcome).toBe('failure');
    expect(r?.message).toMatch(/contains ";"/);
  });

  it('rejects unknown settings keys at validation', () => {
    const r = csvExportConnector.configGuard.safeParse({ path: 'x.csv', pth: 'y' });
    expect(r.success).toBe(false);
  });
});

/** What each operation does to the file's accounts: the test's own, independent model. */
function model(accounts: Map<string, AccountRecord>, o: Operation): void {
  const a = accounts.get(o.account_id);
  if (o.kind === 'account.create') {
    accounts.set(o.account_id, {
      account_id: o.account_id,
      employee_id: o.identity_id,
      enabled: o.enabled !== false,
      container: o.container ?? null,
      entitlements: a?.entitlements ?? [],
      attributes: { ...o.attributes },
    });
  } else if (o.kind === 'account.delete') accounts.delete(o.account_id);
  else if (!a) return;
  else if (o.kind === 'account.update') a.attributes = { ...a.attributes, ...o.attributes };
  else if (o.kind === 'account.move') a.container = o.container ?? null;
  else if (o.kind === 'account.enable' || o.kind === 'account.disable')
    a.enabled = o.kind === 'account.enable';
  else if (o.kind === 'entitlement.grant' && !a.entitlements.includes(o.entitlement!))
    a.entitlements = [...a.entitlements, o.entitlement!];
  else if (o.kind === 'entitlement.revoke')
    a.entitlements = a.entitlements.filter((e) => e !== o.entitlement);
}

const ACCOUNT = fc.constantFrom('a', 'b', 'c,d', 'e"f', 'g\nh', 'Zoë', '王');
const VALUE = fc.constantFrom('', 'x', 'Ann, "The" One', 'two\nlines');
const ATTRS = fc.dictionary(fc.constantFrom('cn', 'mail', 'title'), VALUE, { maxKeys: 3 });
const opArb: fc.Arbitrary<Operation> = fc.oneof(
  fc
    .tuple(ACCOUNT, ATTRS, fc.boolean(), fc.option(fc.constantFrom('ou=a', 'ou=b,ou=c')))
    .map(([id, attributes, enabled, container]) =>
      op('account.create', id, { attributes, enabled, ...(container && { container }) }),
    ),
  fc.tuple(ACCOUNT, ATTRS).map(([id, attributes]) => op('account.update', id, { attributes })),
  fc
    .tuple(
      fc.constantFrom('entitlement.grant' as const, 'entitlement.revoke' as const),
      ACCOUNT,
      fc.constantFrom('staff', 'vpn'),
    )
    .map(([kind, id, entitlement]) => op(kind, id, { entitlement })),
  fc
    .tuple(
      fc.constantFrom(
        'account.enable' as const,
        'account.disable' as const,
        'account.delete' as const,
        'account.move' as const,
      ),
      ACCOUNT,
    )
    .map(([kind, id]) => op(kind, id, { container: 'ou=moved' })),
);
/** A batch of operations, a new process (a fresh connector), or a hand edit of the file. */
const stepArb = fc.oneof(
  { weight: 4, arbitrary: fc.array(opArb, { minLength: 1, maxLength: 5 }) },
  fc.constant('restart' as const),
  fc.constant('edit' as const),
);

describe('csv-export: row by row', () => {
  it('the file is always exactly the accounts rendered afresh, across restarts and hand edits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 10 }), async (steps) => {
        const dir = mkdtempSync(join(tmpdir(), 'csv-export-'));
        const file = join(dir, 'out', 'accounts.csv');
        const expected = join(dir, 'expected.csv');
        const accounts = new Map<string, AccountRecord>();
        let c = await make(dir);
        for (const step of steps) {
          if (step === 'restart') c = await make(dir);
          else if (step === 'edit') {
            // Someone adds an account by hand and removes another.
            accounts.set('hand', {
              account_id: 'hand',
              employee_id: null,
              enabled: true,
              container: null,
              entitlements: ['staff'],
              attributes: { note: 'by hand' },
            });
            accounts.delete('a');
            await writeAccountFile(file, accounts.values());
          } else {
            for (const o of step) model(accounts, o);
            const results = await collect(c.apply(step));
            expect(results).toHaveLength(step.length);
          }
          await writeAccountFile(expected, accounts.values());
          if (step !== 'restart')
            expect(readFileSync(file, 'utf8')).toBe(readFileSync(expected, 'utf8'));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('notices a file another program rewrote in place, even to the same size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-export-'));
    const file = join(dir, 'out', 'accounts.csv');
    const c = await make(dir);
    await collect(c.apply([op('account.create', 'a1', { attributes: { cn: 'Ann' } })]));
    // Past one tick of a coarse file clock (kernels without multigrain timestamps).
    await new Promise((r) => setTimeout(r, 30));
    const text = readFileSync(file, 'utf8');
    const fd = openSync(file, 'r+');
    writeSync(fd, text.replace('a1,a1,true,,,Ann', 'a1,a1,true,,,Bob'), 0);
    await collect(c.apply([op('account.create', 'a2', { attributes: { cn: 'Cy' } })]));
    expect(readFileSync(file, 'utf8')).toContain('a1,a1,true,,,Bob\n');
  });
});

describe('csv-export: concurrent writers take turns on the file lock', () => {
  const instance = (dir: string, over: { lock_wait_seconds?: number } = {}) =>
    csvExportConnector.create({
      appId: 'app',
      config: { path: 'out/accounts.csv', ...over },
      secret: () => '',
      baseDir: dir,
      log: silent,
    });
  const creates = (prefix: string) =>
    Array.from({ length: 200 }, (_, i) =>
      op('account.create', `${prefix}${i}`, { attributes: {} }),
    );

  it('two connector instances writing the same file at once lose none of each other’s rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-export-'));
    const [a, b] = await Promise.all([instance(dir), instance(dir)]);
    const results = await Promise.all([
      collect(a.apply(creates('a'))),
      collect(b.apply(creates('b'))),
    ]);
    expect(results.flat().every((r) => r.outcome === 'success')).toBe(true);
    const ids = new Set<string>();
    for await (const acc of (await instance(dir)).read()) ids.add(acc.account_id);
    expect(ids.size).toBe(400);
  });

  it('a lock another writer keeps fails the batch with a clear message, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csv-export-'));
    const file = join(dir, 'out', 'accounts.csv');
    const c = await instance(dir, { lock_wait_seconds: 0 });
    await collect(c.apply([op('account.create', 'first', { attributes: {} })]));
    const before = readFileSync(file, 'utf8');
    const release = await lockfile.lock(file, { realpath: false });
    try {
      const results = await collect(c.apply(creates('late')));
      expect(results).toHaveLength(200);
      for (const r of results) {
        expect(r.outcome).toBe('failure');
        expect(r.message).toBe(
          `${file} is locked by another writer (${file}.lock) and stayed locked for 0 s; nothing was written`,
        );
      }
      expect(readFileSync(file, 'utf8')).toBe(before);
    } finally {
      await release();
    }
    const [after] = await collect(c.apply([op('account.create', 'again', { attributes: {} })]));
    expect(after?.outcome).toBe('success');
  });
});
