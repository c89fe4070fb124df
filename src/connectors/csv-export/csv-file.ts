/** Reads and atomically writes the account file of a csv-export application. */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { AccountRecord } from '../contract.js';

const FIXED = ['account_id', 'employee_id', 'enabled', 'container', 'entitlements'] as const;
/** Entitlements share one cell; ids are config-defined and may not contain it. */
export const ENTITLEMENT_SEPARATOR = ';';

export async function readAccountFile(path: string): Promise<Map<string, AccountRecord>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw e;
  }
  const rows = parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const accounts = new Map<string, AccountRecord>();
  for (const row of rows) {
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(row)) {
      if (!(FIXED as readonly string[]).includes(k) && v !== '') attributes[k] = v;
    }
    const id = row.account_id ?? '';
    accounts.set(id, {
      account_id: id,
      employee_id: row.employee_id || null,
      enabled: row.enabled === 'true',
      container: row.container || null,
      entitlements: row.entitlements ? row.entitlements.split(ENTITLEMENT_SEPARATOR) : [],
      attributes,
    });
  }
  return accounts;
}

/** Write to a temp file beside the target, fsync, then rename: readers see old or new, never half. */
export async function writeAccountFile(
  path: string,
  accounts: Iterable<AccountRecord>,
): Promise<void> {
  const list = [...accounts].sort((a, b) =>
    a.account_id < b.account_id ? -1 : a.account_id > b.account_id ? 1 : 0,
  );
  const attrColumns = [...new Set(list.flatMap((a) => Object.keys(a.attributes)))].sort();
  const rows = list.map((a) => [
    a.account_id,
    a.employee_id ?? '',
    String(a.enabled),
    a.container ?? '',
    [...a.entitlements].sort().join(ENTITLEMENT_SEPARATOR),
    ...attrColumns.map((c) => a.attributes[c] ?? ''),
  ]);
  const text = stringify([[...FIXED, ...attrColumns], ...rows]);
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'w', 0o640);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
