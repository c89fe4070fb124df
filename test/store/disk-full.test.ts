/**
 * A full store reports `store.disk_full`, not the failed ROLLBACK after it: SQLite with a low
 * `max_page_count` (the same SQLITE_FULL as a full disk) under a real import, and the codes of
 * the other dialects. Nothing of the failed import is left behind, and the store stays usable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSource } from '../../src/engine/sync/import-source.js';
import type { Workspace } from '../../src/engine/workspace.js';
import { connect } from '../../src/store/connect.js';
import { storeOn } from '../../src/store/create-store.js';
import { diskFullError, isDiskFull } from '../../src/store/store-errors.js';
import type { Store } from '../../src/store/types.js';
import { hrRecord, identity } from '../support/fixtures.js';
import { makeWorkspace, type TestWorkspace } from '../support/workspace.js';

describe('SQLite store reaching its size limit during an import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-full-'));
  const file = join(dir, 'full.db');
  const conn = connect(`sqlite:${file}`);
  const store: Store = storeOn(conn, `sqlite:${file}`);
  let t: TestWorkspace;
  let ws: Workspace;
  let hrFile: string;
  const setLimit = (pages: number) => sql.raw(`pragma max_page_count = ${pages}`).execute(conn.db);

  beforeAll(async () => {
    await store.migrate();
    t = await makeWorkspace('sqlite', { demoFiles: false });
    ws = { ...t.ws, store };
    // Wide rows, so the import needs far more pages than the limit leaves.
    const people = Array.from({ length: 3000 }, (_, i) =>
      hrRecord(`E${String(i).padStart(5, '0')}`, { title: `Engineer ${'x'.repeat(300)}` }),
    );
    hrFile = t.writeHr('big.csv', people);
    const used = await sql<{ n: number }>`select page_count as n from pragma_page_count`;
    await setLimit((await used.execute(conn.db)).rows[0]!.n + 40);
  });
  afterAll(async () => {
    await store.close();
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an import that fills it fails with store.disk_full and leaves nothing half-written', async () => {
    await expect(importSource(ws, { file: hrFile })).rejects.toMatchObject({
      code: 'store.disk_full',
      message: expect.stringMatching(/out of space/),
    });
    expect(await store.identities.all()).toEqual([]);
    expect(await store.snapshots.last('hr')).toBeUndefined();
    let events = 0;
    for await (const _ of store.audit.iterate()) events++;
    expect(events).toBe(0);
  });

  it('a one-row write that fills it ends the transaction in SQLite: the failed ROLLBACK is not the error', async () => {
    // A multi-row statement that fills the file is undone alone; a one-row one makes SQLite roll
    // the whole transaction back itself, and Kysely's ROLLBACK then failed with "no transaction
    // is active", which was all the operator saw.
    const write = store.transaction(async (tx) => {
      for (let i = 0; i < 5000; i++)
        await tx.identities.save(
          [{ identity: identity(`R${i}`, {}, { title: 'x'.repeat(300) }), events: [] }],
          '2026-11-26T09:00:00.000Z',
        );
    });
    await expect(write).rejects.toMatchObject({ code: 'store.disk_full' });
    expect(await store.identities.all()).toEqual([]);
  });

  it('works again once there is room: no transaction was left open', async () => {
    await setLimit(1_000_000);
    const summary = await importSource(ws, { file: hrFile });
    expect(summary.accepted).toBe(3000);
    expect((await store.identities.all()).length).toBe(3000);
  });
});

describe('disk-full codes of every store', () => {
  it.each([
    ['SQLITE_FULL', true],
    ['ENOSPC', true],
    ['53100', true], // PostgreSQL disk_full
    ['SQLITE_CONSTRAINT', false],
    ['23505', false],
  ])('%s -> %s', (code, full) => {
    expect(isDiskFull(Object.assign(new Error('x'), { code }))).toBe(full);
  });

  it('the error is safe to show an API client: no path, no SQL', () => {
    const e = diskFullError({ code: 'SQLITE_FULL', message: 'database or disk is full' });
    expect(e.code).toBe('store.disk_full');
    expect(e.details).toEqual({ cause: 'SQLITE_FULL' });
    expect(e.message).not.toMatch(/\/|select|insert/i);
  });
});
