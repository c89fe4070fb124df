/** Identities and their effective-dated history (one open row per identity, closed on change). */
import { type Kysely, type Selectable, sql } from 'kysely';
import { TenureError } from '../domain/errors.js';
import type { Timestamp } from '../domain/timestamp.js';
import type { HrRecord, Identity, IdentityStatus } from '../domain/types.js';
import {
  chunks,
  fromBool,
  fromJson,
  insertChunks,
  inTransaction,
  toBool,
  toJson,
  toTimestamp,
} from './codec.js';
import { searchColumns } from './identity-search.js';
import type { Database, IdentitiesTable, IdentityHistoryTable, StoreDialect } from './schema.js';

export type IdentityChange = {
  identity: Identity;
  /** Lifecycle event kinds for the history row, e.g. ['mover'] or ['joiner']. */
  events: string[];
};

export type IdentityHistoryRow = {
  identity_id: string;
  valid_from: Timestamp;
  valid_to: Timestamp | null;
  status: IdentityStatus;
  attributes: HrRecord;
  events: string[];
};

/** The identities store: current identities and their effective-dated history. */
export type IdentitiesRepo = {
  all(): Promise<Identity[]>;
  get(id: string): Promise<Identity | undefined>;
  /** The identity whose id equals `id` ignoring case (identity keys compare as targets do). */
  getIgnoringCase(id: string): Promise<Identity | undefined>;
  /** Upserts identities and closes/opens their effective-dated history rows at `at`. */
  save(changes: IdentityChange[], at: Timestamp): Promise<void>;
  history(id: string): Promise<IdentityHistoryRow[]>;
  /** Identities as they were at `at`, from history. */
  asOf(at: Timestamp): Promise<Identity[]>;
};

const toIdentity = (r: Selectable<IdentitiesTable>): Identity => ({
  id: r.id,
  source_id: r.source_id,
  attributes: fromJson<HrRecord>(r.attributes),
  status: r.status as IdentityStatus,
  missing_from_source: fromBool(r.missing_from_source),
  updated_at: r.updated_at,
});

const toHistory = (r: Selectable<IdentityHistoryTable>): IdentityHistoryRow => ({
  identity_id: r.identity_id,
  valid_from: r.valid_from,
  valid_to: r.valid_to,
  status: r.status as IdentityStatus,
  attributes: fromJson<HrRecord>(r.attributes),
  events: fromJson<string[]>(r.events),
});

/** A new history row is only worth writing if something an auditor would ask about changed. */
const changed = (
  cur: Selectable<IdentityHistoryTable> | undefined,
  c: IdentityChange,
  attributes: string,
) =>
  !cur ||
  c.events.length > 0 ||
  cur.status !== c.identity.status ||
  cur.source_id !== c.identity.source_id ||
  fromBool(cur.missing_from_source) !== c.identity.missing_from_source ||
  cur.attributes !== attributes;

export const createIdentitiesRepo = (
  db: Kysely<Database>,
  dialect: StoreDialect,
): IdentitiesRepo => ({
  async all() {
    const rows = await db.selectFrom('identities').selectAll().orderBy('id').execute();
    return rows.map(toIdentity);
  },

  async get(id) {
    const row = await db
      .selectFrom('identities')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toIdentity(row);
  },

  async getIgnoringCase(id) {
    // lower(id) has an index of its own (migration 20261202_0200); ids are ASCII.
    const row = await db
      .selectFrom('identities')
      .selectAll()
      .where(sql`lower(id)`, '=', id.toLowerCase())
      .orderBy('id')
      .executeTakeFirst();
    return row && toIdentity(row);
  },

  async save(changes, atInput) {
    const at = toTimestamp(atInput);
    const ids = new Set<string>();
    for (const c of changes) {
      if (ids.has(c.identity.id)) {
        throw new TenureError('store.duplicate_identity', `identity ${c.identity.id} saved twice`, {
          identity_id: c.identity.id,
        });
      }
      ids.add(c.identity.id);
    }
    await inTransaction(db, async (trx) => {
      for (const batch of chunks(changes, BATCH)) await saveBatch(trx, dialect, batch, at);
    });
  },

  async history(id) {
    const rows = await db
      .selectFrom('identity_history')
      .selectAll()
      .where('identity_id', '=', id)
      .orderBy('valid_from')
      .orderBy('id')
      .execute();
    return rows.map(toHistory);
  },

  async asOf(atInput) {
    const at = toTimestamp(atInput);
    const rows = await db
      .selectFrom('identity_history')
      .selectAll()
      .where('valid_from', '<=', at)
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', at)]))
      .orderBy('identity_id')
      .execute();
    return rows.map((r) => ({
      id: r.identity_id,
      source_id: r.source_id,
      attributes: fromJson<HrRecord>(r.attributes),
      status: r.status as IdentityStatus,
      missing_from_source: fromBool(r.missing_from_source),
      updated_at: r.valid_from,
    }));
  },
});

const BATCH = 500;

const saveBatch = async (
  trx: Kysely<Database>,
  dialect: StoreDialect,
  batch: IdentityChange[],
  at: string,
) => {
  const open = await trx
    .selectFrom('identity_history')
    .selectAll()
    .where(
      'identity_id',
      'in',
      batch.map((c) => c.identity.id),
    )
    .where('valid_to', 'is', null)
    .execute();
  const openById = new Map(open.map((r) => [r.identity_id, r]));
  // Canonical JSON of each identity's attributes, once: compared, then written twice.
  const json = new Map(batch.map((c) => [c, toJson(c.identity.attributes)]));
  const toRecord = batch.filter((c) => changed(openById.get(c.identity.id), c, json.get(c)!));
  // Close the open rows being superseded (none for people seen for the first time).
  const superseded = toRecord.filter((c) => openById.has(c.identity.id)).map((c) => c.identity.id);
  if (superseded.length > 0) {
    await trx
      .updateTable('identity_history')
      .set({ valid_to: at })
      .where('identity_id', 'in', superseded)
      .where('valid_to', 'is', null)
      .execute();
  }
  const history = toRecord.map((c) => ({
    identity_id: c.identity.id,
    source_id: c.identity.source_id,
    valid_from: at,
    valid_to: null,
    status: c.identity.status,
    attributes: json.get(c)!,
    missing_from_source: toBool(c.identity.missing_from_source),
    events: toJson(c.events),
  }));
  await insertChunks(trx, dialect, 'identity_history', history, BATCH, (rows) =>
    trx.insertInto('identity_history').values(rows),
  );
  const identities = batch.map((c) => ({
    id: c.identity.id,
    source_id: c.identity.source_id,
    status: c.identity.status,
    attributes: json.get(c)!,
    missing_from_source: toBool(c.identity.missing_from_source),
    updated_at: c.identity.updated_at,
    ...searchColumns(c.identity.id, c.identity.attributes),
  }));
  await insertChunks(trx, dialect, 'identities', identities, BATCH, (rows) =>
    trx
      .insertInto('identities')
      .values(rows)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          source_id: eb.ref('excluded.source_id'),
          status: eb.ref('excluded.status'),
          attributes: eb.ref('excluded.attributes'),
          missing_from_source: eb.ref('excluded.missing_from_source'),
          updated_at: eb.ref('excluded.updated_at'),
          fold_id: eb.ref('excluded.fold_id'),
          fold_first: eb.ref('excluded.fold_first'),
          fold_last: eb.ref('excluded.fold_last'),
          fold_preferred: eb.ref('excluded.fold_preferred'),
          fold_email: eb.ref('excluded.fold_email'),
          department: eb.ref('excluded.department'),
        })),
      ),
  );
};
