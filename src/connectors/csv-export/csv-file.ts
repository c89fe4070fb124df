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
  const bytes = await readAccountBytes(path);
  return bytes === undefined ? new Map() : parseAccountFile(bytes);
}

/** The file's bytes, or undefined when it does not exist yet. */
export async function readAccountBytes(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export function parseAccountFile(bytes: Buffer): Map<string, AccountRecord> {
  const rows = parse(bytes.toString('utf8'), {
    columns: true,
    bom: true,
    skip_empty_lines: true,
  }) as Record<string, string>[];
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
  await writeFileAtomically(path, renderAccountFile(accounts));
}

/**
 * Rendered rows (UTF-8, each with its line end) by account id, valid for one attribute column
 * set. A connector that knows which accounts a batch touched drops just those rows, so rewriting
 * a file of 100 k accounts does not re-render them all.
 */
export type RenderCache = { columns: string[]; rows: Map<string, Buffer> };

export const emptyRenderCache = (): RenderCache => ({ columns: [], rows: new Map() });

const byAccountId = (a: AccountRecord, b: AccountRecord): number =>
  a.account_id < b.account_id ? -1 : a.account_id > b.account_id ? 1 : 0;

/** The file's bytes: header, then one row per account sorted by account id. */
export function renderAccountFile(
  accounts: Iterable<AccountRecord>,
  cache: RenderCache = emptyRenderCache(),
): Buffer {
  const list = [...accounts].sort(byAccountId);
  const names = new Set<string>();
  for (const a of list) for (const k in a.attributes) names.add(k);
  const attrColumns = [...names].sort();
  if (
    attrColumns.length !== cache.columns.length ||
    attrColumns.some((c, i) => c !== cache.columns[i])
  ) {
    cache.columns = attrColumns;
    cache.rows.clear();
  }
  const parts: Buffer[] = [Buffer.from(stringify([[...FIXED, ...attrColumns]]))];
  for (const a of list) {
    let row = cache.rows.get(a.account_id);
    if (row === undefined) {
      row = Buffer.from(
        stringify([
          [
            a.account_id,
            a.employee_id ?? '',
            String(a.enabled),
            a.container ?? '',
            [...a.entitlements].sort().join(ENTITLEMENT_SEPARATOR),
            ...attrColumns.map((c) => a.attributes[c] ?? ''),
          ],
        ]),
      );
      cache.rows.set(a.account_id, row);
    }
    parts.push(row);
  }
  // Concatenating bytes: joining 100 k cached row strings (concatenated, not flat) is far slower.
  return Buffer.concat(parts);
}

export async function writeFileAtomically(path: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'w', 0o640);
  try {
    await handle.writeFile(bytes);
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
