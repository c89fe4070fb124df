/** Reads, renders and atomically writes the account file of a csv-export application. */
import { randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { AccountRecord } from '../contract.js';

export const FIXED = ['account_id', 'employee_id', 'enabled', 'container', 'entitlements'] as const;
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
    const account = toAccount(row);
    accounts.set(account.account_id, account);
  }
  return accounts;
}

/** Rows without their header (the names are given): what the connector parses row by row. */
export function parseAccountRows(names: string[], bytes: Buffer): AccountRecord[] {
  const rows = parse(bytes.toString('utf8'), { columns: names }) as Record<string, string>[];
  return rows.map(toAccount);
}

/** The column names of a header line. */
export const parseHeader = (header: Buffer): string[] =>
  (parse(header.toString('utf8')) as string[][])[0] ?? [];

function toAccount(row: Record<string, string>): AccountRecord {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) {
    if (!(FIXED as readonly string[]).includes(k) && v !== '') attributes[k] = v;
  }
  return {
    account_id: row.account_id ?? '',
    employee_id: row.employee_id || null,
    enabled: row.enabled === 'true',
    container: row.container || null,
    entitlements: row.entitlements ? row.entitlements.split(ENTITLEMENT_SEPARATOR) : [],
    attributes,
  };
}

const byAccountId = (a: AccountRecord, b: AccountRecord): number =>
  a.account_id < b.account_id ? -1 : a.account_id > b.account_id ? 1 : 0;

/**
 * Every account rendered: the attribute columns (the names some account has a value for, sorted)
 * and one row per account, sorted by account id — the whole file, after its header.
 */
export function renderAccounts(accounts: Iterable<AccountRecord>): {
  columns: string[];
  ids: string[];
  rows: Buffer[];
} {
  const list = [...accounts].sort(byAccountId);
  const names = new Set<string>();
  for (const a of list) for (const k in a.attributes) if (a.attributes[k] !== '') names.add(k);
  const columns = [...names].sort();
  return {
    columns,
    ids: list.map((a) => a.account_id),
    rows: list.map((a) => renderRow(a, columns)),
  };
}

/** The whole file at once (tests, fixtures, hand edits); the connector changes it row by row. */
export async function writeAccountFile(
  path: string,
  accounts: Iterable<AccountRecord>,
): Promise<void> {
  const { columns, rows } = renderAccounts(accounts);
  await writeFileAtomically(path, [renderHeader(columns), Buffer.concat(rows)]);
}

/** The header line of a file whose attribute columns are `columns` (sorted). */
export const renderHeader = (columns: readonly string[]): Buffer =>
  Buffer.from(stringify([[...FIXED, ...columns]]));

/** One account's row, with its line end. An empty attribute is an empty cell, like a missing one. */
export const renderRow = (a: AccountRecord, columns: readonly string[]): Buffer =>
  Buffer.from(
    stringify([
      [
        a.account_id,
        a.employee_id ?? '',
        String(a.enabled),
        a.container ?? '',
        [...a.entitlements].sort().join(ENTITLEMENT_SEPARATOR),
        ...columns.map((c) => a.attributes[c] ?? ''),
      ],
    ]),
  );

/**
 * What identifies one version of the file without reading it: another writer replacing the file
 * changes the inode; one writing in place changes the size or the modification and change times
 * (nanoseconds; on kernels with multigrain timestamps, ≥ 6.13, any write after a stat shows).
 */
export type FileStamp = Pick<BigIntStats, 'dev' | 'ino' | 'size' | 'mtimeNs' | 'ctimeNs'>;

const stampOf = (s: BigIntStats): FileStamp => ({
  dev: s.dev,
  ino: s.ino,
  size: s.size,
  mtimeNs: s.mtimeNs,
  ctimeNs: s.ctimeNs,
});

export const sameStamp = (a: FileStamp, b: FileStamp): boolean =>
  a.dev === b.dev &&
  a.ino === b.ino &&
  a.size === b.size &&
  a.mtimeNs === b.mtimeNs &&
  a.ctimeNs === b.ctimeNs;

/** The file's stamp, or undefined when it does not exist. */
export async function fileStamp(path: string): Promise<FileStamp | undefined> {
  try {
    return stampOf(await stat(path, { bigint: true }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Write to a temp file beside the target, fsync, then rename: readers see old or new, never half,
 * and a crash leaves the old file or the complete new one. `bytes` may come in pieces (written
 * with writev, never concatenated). Returns the new file's stamp, or undefined if another writer
 * replaced it already.
 */
export async function writeFileAtomically(
  path: string,
  bytes: Buffer | readonly Buffer[],
): Promise<FileStamp | undefined> {
  const pieces = Buffer.isBuffer(bytes) ? [bytes] : bytes;
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'w', 0o640);
  let ino: bigint;
  try {
    await writeAll(handle, pieces);
    await handle.sync();
    ino = (await handle.stat({ bigint: true })).ino;
  } catch (e) {
    await handle.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  // After the rename: renaming changes the change time.
  const stamp = await fileStamp(path);
  return stamp?.ino === ino ? stamp : undefined;
}

async function writeAll(
  handle: Awaited<ReturnType<typeof open>>,
  pieces: readonly Buffer[],
): Promise<void> {
  let total = 0;
  for (const p of pieces) total += p.length;
  // libuv already loops over partial writes and IOV_MAX; a short count would be a bug to report.
  const { bytesWritten } = await handle.writev(pieces as Buffer[]);
  if (bytesWritten !== total) throw new Error(`short write: ${bytesWritten} of ${total} bytes`);
}
