import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvExportConnector } from '../../src/connectors/csv-export/csv-export-connector.js';
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
