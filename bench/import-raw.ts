/**
 * The raw limit beside the import figure: a bare better-sqlite3 batched insert, in one
 * transaction, of every row the cold import stored (identities, their history, the snapshot and
 * its audit events), into a freshly migrated store. Import also parses, validates, runs lifecycle
 * rules and hashes the audit chain, so the ratio says what share of its time is storage itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createStore } from '../src/store/create-store.js';

/** Bookkeeping, not data the import wrote. */
const SKIP = /^(kysely_|sqlite_)/;

export type RawImportFigures = { rows: number; seconds: number };

/** Copies the data rows of `workspaceDir`'s store into a fresh one, timing the inserts only. */
export async function rawImportInsert(workspaceDir: string): Promise<RawImportFigures> {
  const tmp = mkdtempSync(join(tmpdir(), 'tenure-bench-raw-import-'));
  const target = join(tmp, 'raw.db');
  const fresh = await createStore(`sqlite:${target}`);
  await fresh.migrate();
  await fresh.close();
  const src = new Database(join(workspaceDir, '.tenure', 'tenure.db'), { readonly: true });
  const db = new Database(target);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // sqlite_master order is creation order: parents before the tables that reference them.
    const tables = (
      src.prepare(`select name from sqlite_master where type = 'table'`).all() as { name: string }[]
    )
      .map((t) => t.name)
      .filter((t) => !SKIP.test(t));
    const data = tables.map((table) => {
      const columns = (src.pragma(`table_info("${table}")`) as { name: string }[]).map(
        (c) => `"${c.name}"`,
      );
      const rows = src
        .prepare(`select ${columns.join(', ')} from "${table}"`)
        .raw(true)
        .all();
      const insert = db.prepare(
        `insert into "${table}" (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
      );
      return { insert, rows: rows as unknown[][] };
    });
    const t = performance.now();
    db.transaction(() => {
      for (const { insert, rows } of data) for (const r of rows) insert.run(r);
    })();
    const seconds = (performance.now() - t) / 1000;
    return { rows: data.reduce((n, d) => n + d.rows.length, 0), seconds };
  } finally {
    src.close();
    db.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
