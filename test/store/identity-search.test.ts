/**
 * Identity search (store/identity-search.ts) on both databases: name, email and id prefixes
 * ignoring case and accents, department and status filters, keyset pages and a total; a database
 * migrated from the release before has its identities backfilled; the indexes are the ones used.
 */
import { Migrator, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityFilter } from '../../src/store/browse-repo.js';
import { connect } from '../../src/store/connect.js';
import { prefixEnd, searchWords } from '../../src/store/identity-search.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';
import { identity } from '../support/fixtures.js';

const AT = '2026-11-01T00:00:00.000Z';
const PREVIOUS = '20261202_0900_saved_plans';

const people = () => [
  identity(
    'E1000',
    {},
    {
      first_name: 'Élodie',
      last_name: 'Durand',
      email: 'elodie.durand@example.com',
      department: 'Sales',
    },
  ),
  identity(
    'E1001',
    {},
    { first_name: 'Alice', last_name: 'Martin', email: 'alice.martin@example.com' },
  ),
  identity(
    'E1002',
    { status: 'terminated' },
    { first_name: 'Alan', last_name: 'Smith', email: 'a.smith@example.com', status: 'terminated' },
  ),
  identity(
    'E2000',
    {},
    {
      first_name: 'Robert',
      preferred_name: 'Bob',
      last_name: 'Alvarez',
      email: 'bob@example.com',
      department: 'Sales',
    },
  ),
  identity(
    'X-9',
    {},
    { first_name: 'Zoé', last_name: 'Zimmer', email: 'ZOE.Z@EXAMPLE.COM', department: 'Finance' },
  ),
];

describe('search words and prefix ranges', () => {
  it('folds case and accents and bounds a prefix', () => {
    expect(searchWords('  Élodie  DUR ')).toEqual(['elodie', 'dur']);
    expect(searchWords('')).toEqual([]);
    expect(prefixEnd('ab')).toBe('ac');
    expect(prefixEnd('a\uffff')).toBe('a\u{10000}');
    expect(prefixEnd('\u{10ffff}')).toBeUndefined();
  });
});

describe.each(testDialects())('identity search (%s)', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(dialect);
    await t.store.identities.save(
      people().map((identity) => ({ identity, events: ['joiner'] })),
      AT,
    );
  });
  afterAll(() => t.cleanup());

  const ids = async (f: IdentityFilter) =>
    (await t.store.browse.identityRows({ limit: 100, ...f })).map((r) => r.id);

  it('matches a prefix of the id, a name or the email, ignoring case and accents', async () => {
    expect(await ids({ q: 'elo' })).toEqual(['E1000']);
    expect(await ids({ q: 'ÉLODIE' })).toEqual(['E1000']);
    expect(await ids({ q: 'al' })).toEqual(['E1001', 'E1002', 'E2000']); // Alice, Alan, Alvarez
    expect(await ids({ q: 'bob' })).toEqual(['E2000']); // preferred name (and email)
    expect(await ids({ q: 'rob' })).toEqual(['E2000']); // legal first name
    expect(await ids({ q: 'a.smith@' })).toEqual(['E1002']);
    expect(await ids({ q: 'zoe.z@example' })).toEqual(['X-9']);
    expect(await ids({ q: 'e10' })).toEqual(['E1000', 'E1001', 'E1002']);
    expect(await ids({ q: 'x-' })).toEqual(['X-9']);
    // Prefixes, not substrings: "artin" is inside Martin but starts nothing.
    expect(await ids({ q: 'artin' })).toEqual([]);
  });

  it('needs every word to match (first and last name)', async () => {
    expect(await ids({ q: 'alice mar' })).toEqual(['E1001']);
    expect(await ids({ q: 'al sm' })).toEqual(['E1002']);
    expect(await ids({ q: 'alice smith' })).toEqual([]);
    expect(await ids({ q: '   ' })).toHaveLength(5);
  });

  it('filters by department and status, combined with a search, with a total', async () => {
    expect(await ids({ department: 'Sales' })).toEqual(['E1000', 'E2000']);
    expect(await ids({ department: 'sales' })).toEqual([]);
    expect(await ids({ department: 'Sales', q: 'alv' })).toEqual(['E2000']);
    expect(await ids({ status: 'terminated', q: 'al' })).toEqual(['E1002']);
    expect(await t.store.browse.countIdentities({})).toBe(5);
    expect(await t.store.browse.countIdentities({ q: 'al' })).toBe(3);
    expect(await t.store.browse.countIdentities({ q: 'al sm' })).toBe(1);
    expect(await t.store.browse.countIdentities({ q: 'bob' })).toBe(1); // preferred name and email
    expect(await t.store.browse.countIdentities({ q: 'nobody' })).toBe(0);
    expect(await t.store.browse.countIdentities({ department: 'Sales' })).toBe(2);
    expect(await t.store.browse.countIdentities({ q: 'al', status: 'active' })).toBe(2);
  });

  it('pages a search by id and keeps the keys in step when attributes change', async () => {
    const first = await t.store.browse.identityRows({ q: 'al', limit: 2 });
    expect(first.map((r) => r.id)).toEqual(['E1001', 'E1002']);
    const rest = await t.store.browse.identityRows({ q: 'al', limit: 2, after: 'E1002' });
    expect(rest.map((r) => r.id)).toEqual(['E2000']);

    // Alice marries and moves to Finance: the old name no longer finds her, the new one does.
    const moved = identity(
      'E1001',
      {},
      {
        first_name: 'Alice',
        last_name: 'Nguyen',
        email: 'alice.nguyen@example.com',
        department: 'Finance',
      },
    );
    await t.store.identities.save(
      [{ identity: moved, events: ['mover'] }],
      '2026-11-02T00:00:00.000Z',
    );
    expect(await ids({ q: 'martin' })).toEqual([]);
    expect(await ids({ q: 'nguy' })).toEqual(['E1001']);
    expect(await ids({ department: 'Finance' })).toEqual(['E1001', 'X-9']);
  });

  it('answers a name prefix from an index, not a scan of every identity', async () => {
    const range = sql`select id from identities where fold_last >= 'du' and fold_last < 'dv'`;
    const { db } = connect(t.url);
    try {
      const plan = await db.connection().execute(async (c) => {
        if (dialect === 'sqlite')
          return (await sql<{ detail: string }>`explain query plan ${range}`.execute(c)).rows
            .map((r) => r.detail)
            .join('\n');
        // Five rows: PostgreSQL would rightly scan them; forbid that to see the index it can use.
        await sql`set enable_seqscan = off`.execute(c);
        return (await sql<{ 'QUERY PLAN': string }>`explain ${range}`.execute(c)).rows
          .map((r) => r['QUERY PLAN'])
          .join('\n');
      });
      expect(plan).toContain('identities_by_fold_last');
    } finally {
      await db.destroy();
    }
  });
});

describe.each(testDialects())('identity search after an upgrade (%s)', (dialect) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('backfills the search keys of identities saved before the migration', async () => {
    t = await createTestStore(dialect, { migrate: false });
    const { db } = connect(t.url);
    try {
      const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
      expect((await migrator.migrateTo(PREVIOUS)).error).toBeUndefined();
    } finally {
      await db.destroy();
    }
    // The previous release's rows: 1,200 identities, more than one backfill batch.
    const values = Array.from({ length: 1200 }, (_, i) => {
      const p = identity(
        `E${String(i).padStart(4, '0')}`,
        {},
        i === 7 ? { first_name: 'Émile', department: 'Legal' } : {},
      );
      return `('${p.id}', 'hr', 'active', '${JSON.stringify(p.attributes).replaceAll("'", "''")}', 0, '${AT}')`;
    });
    await t.exec(
      `INSERT INTO identities (id, source_id, status, attributes, missing_from_source, updated_at) VALUES ${values.join(',')}`,
    );
    await t.store.migrate();
    expect((await t.store.browse.identityRows({ q: 'emile', limit: 10 })).map((r) => r.id)).toEqual(
      ['E0007'],
    );
    expect(await t.store.browse.countIdentities({ department: 'Legal' })).toBe(1);
    // Last names are Person<id>: PersonE1100 … PersonE1199.
    expect(await t.store.browse.countIdentities({ q: 'persone11' })).toBe(100);
  });
});
