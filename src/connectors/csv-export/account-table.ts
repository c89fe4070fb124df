/**
 * The account file of a csv-export application as rows sorted by account id, changed row by row:
 * a batch costs its own rows plus one write of the file, never a parse, sort or render of it all.
 */
import type { AccountRecord } from '../contract.js';
import {
  FIXED,
  parseAccountFile,
  parseAccountRows,
  parseHeader,
  renderAccounts,
  renderHeader,
  renderRow,
} from './csv-file.js';
import { scanRows } from './row-scan.js';

export type AccountTable = {
  /** Attribute columns after the fixed ones: the names some account has a value for, sorted. */
  columns: string[];
  header: Buffer;
  ids: string[];
  /** Row i is `base[starts[i], ends[i])`, or, when `starts[i]` is -1, `changed.get(ids[i])`. */
  base: Buffer;
  starts: number[];
  ends: number[];
  changed: Map<string, Buffer>;
};

/** Past this many pieces to write, the rows are copied into one buffer again (one big memcpy). */
const MAX_PIECES = 1024;
/** Rows parsed at a time when looking for a value in a column. */
const CHUNK = 512;

/** The table of a file's bytes (undefined: no file yet): scanned if in our shape, else parsed. */
export function loadTable(bytes: Buffer | undefined): AccountTable {
  if (bytes === undefined || bytes.length === 0) return tableOf([]);
  const headerEnd = bytes.indexOf(0x0a) + 1;
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (headerEnd > 0 && !bom) {
    const header = bytes.subarray(0, headerEnd);
    const columns = parseHeader(header).slice(FIXED.length);
    const rows =
      sortedUnique(columns) && renderHeader(columns).equals(header) && scanRows(bytes, headerEnd);
    if (rows) {
      return { columns, header, ...rows, base: bytes, changed: new Map() };
    }
  }
  return tableOf(parseAccountFile(bytes).values());
}

/** A table holding exactly `accounts`, every row rendered afresh. */
export function tableOf(accounts: Iterable<AccountRecord>): AccountTable {
  const { columns, ids, rows } = renderAccounts(accounts);
  const starts: number[] = new Array(rows.length);
  const ends: number[] = new Array(rows.length);
  let offset = 0;
  rows.forEach((row, i) => {
    starts[i] = offset;
    ends[i] = offset += row.length;
  });
  return {
    columns,
    header: renderHeader(columns),
    ids,
    base: Buffer.concat(rows, offset),
    starts,
    ends,
    changed: new Map(),
  };
}

/** The accounts among `ids` that the table holds, parsed from their rows. */
export function readAccounts(t: AccountTable, ids: Iterable<string>): Map<string, AccountRecord> {
  const found: Buffer[] = [];
  for (const id of ids) {
    const i = indexOf(t, id);
    if (i >= 0) found.push(rowAt(t, i));
  }
  const out = new Map<string, AccountRecord>();
  if (found.length === 0) return out;
  for (const a of parseAccountRows(columnNames(t), Buffer.concat(found))) out.set(a.account_id, a);
  return out;
}

/**
 * The table with `changes` applied (an account, or undefined to remove it). `vacated`: columns a
 * changed account no longer has a value for; the file keeps them only if another account does.
 * A new column, or one no account uses any more, changes every row: the table is rebuilt.
 */
export function changeRows(
  t: AccountTable,
  changes: ReadonlyMap<string, AccountRecord | undefined>,
  vacated: ReadonlySet<string>,
): AccountTable {
  const known = new Set(t.columns);
  let rebuild = false;
  for (const a of changes.values()) {
    for (const k in a?.attributes) if (a.attributes[k] !== '' && !known.has(k)) rebuild = true;
  }
  if (!rebuild && vacated.size > 0) rebuild = unusedColumns(t, vacated, changes).size > 0;
  if (rebuild) {
    const all = allAccounts(t);
    for (const [id, a] of changes) {
      if (a) all.set(id, a);
      else all.delete(id);
    }
    return tableOf(all.values());
  }
  const inserted: string[] = [];
  const removed = new Set<number>();
  for (const [id, a] of changes) {
    const i = indexOf(t, id);
    if (a === undefined) {
      if (i >= 0) removed.add(i);
      t.changed.delete(id);
      continue;
    }
    t.changed.set(id, renderRow(a, t.columns));
    if (i >= 0) t.starts[i] = -1;
    else inserted.push(id);
  }
  if (inserted.length > 0 || removed.size > 0) merge(t, inserted, removed);
  return t;
}

/**
 * The file's bytes as pieces for writev: the header, runs of rows still contiguous in `base`,
 * and changed rows. When they get too many, the rows are compacted into a new `base`.
 */
export function pieces(t: AccountTable): Buffer[] {
  let rows = rowPieces(t);
  if (rows.length > MAX_PIECES) {
    compact(t, rows);
    rows = [t.base];
  }
  return [t.header, ...rows];
}

function rowPieces(t: AccountTable): Buffer[] {
  const out: Buffer[] = [];
  let runStart = -1;
  let runEnd = -1;
  const flush = () => {
    if (runStart >= 0) out.push(t.base.subarray(runStart, runEnd));
    runStart = runEnd = -1;
  };
  for (let i = 0; i < t.ids.length; i++) {
    const s = t.starts[i]!;
    if (s >= 0 && s === runEnd) {
      runEnd = t.ends[i]!;
      continue;
    }
    flush();
    if (s >= 0) {
      runStart = s;
      runEnd = t.ends[i]!;
    } else out.push(t.changed.get(t.ids[i]!)!);
  }
  flush();
  return out;
}

function compact(t: AccountTable, rows: Buffer[]): void {
  const lengths = t.ids.map((id, i) =>
    t.starts[i]! >= 0 ? t.ends[i]! - t.starts[i]! : t.changed.get(id)!.length,
  );
  t.base = Buffer.concat(rows);
  let offset = 0;
  for (let i = 0; i < lengths.length; i++) {
    t.starts[i] = offset;
    t.ends[i] = offset += lengths[i]!;
  }
  t.changed.clear();
}

/** New rows are spliced in, removed ones dropped, in one pass over the sorted ids. */
function merge(t: AccountTable, inserted: string[], removed: ReadonlySet<number>): void {
  inserted.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ids: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let j = 0;
  for (let i = 0; i <= t.ids.length; i++) {
    const id = t.ids[i];
    while (j < inserted.length && (id === undefined || inserted[j]! < id)) {
      ids.push(inserted[j++]!);
      starts.push(-1);
      ends.push(-1);
    }
    if (id === undefined || removed.has(i)) continue;
    ids.push(id);
    starts.push(t.starts[i]!);
    ends.push(t.ends[i]!);
  }
  t.ids = ids;
  t.starts = starts;
  t.ends = ends;
}

/** Of `columns`, those no account outside `changes` has a value for (usually found in the first rows). */
function unusedColumns(
  t: AccountTable,
  columns: ReadonlySet<string>,
  changes: ReadonlyMap<string, unknown>,
): Set<string> {
  const unused = new Set(columns);
  const names = columnNames(t);
  for (let i = 0; i < t.ids.length && unused.size > 0; i += CHUNK) {
    const rows: Buffer[] = [];
    for (let k = i; k < Math.min(i + CHUNK, t.ids.length); k++)
      if (!changes.has(t.ids[k]!)) rows.push(rowAt(t, k));
    if (rows.length === 0) continue;
    for (const a of parseAccountRows(names, Buffer.concat(rows)))
      for (const c of unused) if ((a.attributes[c] ?? '') !== '') unused.delete(c);
  }
  return unused;
}

function allAccounts(t: AccountTable): Map<string, AccountRecord> {
  const out = new Map<string, AccountRecord>();
  const rows = rowPieces(t);
  if (rows.length === 0) return out;
  for (const a of parseAccountRows(columnNames(t), Buffer.concat(rows))) out.set(a.account_id, a);
  return out;
}

const rowAt = (t: AccountTable, i: number): Buffer => {
  const s = t.starts[i]!;
  return s >= 0 ? t.base.subarray(s, t.ends[i]) : t.changed.get(t.ids[i]!)!;
};

/** Binary search (ids sorted with `<`): the row's index, or -1. */
function indexOf(t: AccountTable, id: string): number {
  let lo = 0;
  let hi = t.ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const m = t.ids[mid]!;
    if (m === id) return mid;
    if (m < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

const columnNames = (t: AccountTable): string[] => [...FIXED, ...t.columns];

const sortedUnique = (xs: string[]): boolean => xs.every((x, i) => i === 0 || xs[i - 1]! < x);
