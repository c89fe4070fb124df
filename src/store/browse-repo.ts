/** Keyset-paged reads for the HTTP API and the figures /metrics exposes: no full-table loads. */
import { type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type { AuditEvent } from '../audit/types.js';
import type { ActualAccount, Grant, HrRecord, Identity, IdentityStatus } from '../domain/types.js';
import { fromBool, fromJson, toTimestamp } from './codec.js';
import { countMatching, matchesWords, searchWords } from './identity-search.js';
import type { AccountsTable, Database, IdentitiesTable } from './schema.js';

/** Which identities: every filter given must hold. */
export type IdentityFilter = {
  status?: IdentityStatus;
  missing?: boolean;
  /** Exact department, as HR spells it. */
  department?: string;
  /** Words; each a prefix (ignoring case and accents) of the id, a name or the email. */
  q?: string;
};
export type IdentityPageQuery = IdentityFilter & { after?: string; limit: number };
export type AccountPageQuery = {
  after?: { app_id: string; account_id: string };
  limit: number;
  appId?: string;
  identityId?: string;
};
export type AuditPageQuery = {
  afterSeq?: number;
  limit: number;
  since?: string;
  until?: string;
  action?: string;
  actor?: string;
  target?: string;
};
export type StoreCounts = {
  runs: Record<string, number>;
  operations: Record<string, number>;
  /** created_at of the oldest run that still has a queued operation. */
  oldest_queued_at: string | null;
  open_tasks: number;
  oldest_open_task_at: string | null;
};

/** An identity with its attributes still the stored canonical JSON text: no database row type leaves the store. */
export type IdentityText = Omit<Identity, 'attributes'> & { attributes: string };

export type BrowseRepo = {
  ping(): Promise<void>;
  identities(q: IdentityPageQuery): Promise<Identity[]>;
  /** The same page with `attributes` as stored, canonical JSON text, not parsed (the API splices it). */
  identityRows(q: IdentityPageQuery): Promise<IdentityText[]>;
  /** How many identities the filter selects (every page of it). */
  countIdentities(f: IdentityFilter): Promise<number>;
  /** Case-insensitive email match; the identity a signed-in person is. */
  identityByEmail(email: string): Promise<Identity | undefined>;
  accounts(q: AccountPageQuery): Promise<ActualAccount[]>;
  grants(q: { identityId?: string; after?: string; limit: number }): Promise<Grant[]>;
  audit(q: AuditPageQuery): Promise<AuditEvent[]>;
  counts(): Promise<StoreCounts>;
};

const toIdentity = (r: Selectable<IdentitiesTable>): Identity => ({
  id: r.id,
  source_id: r.source_id,
  attributes: fromJson<HrRecord>(r.attributes),
  status: r.status as IdentityStatus,
  missing_from_source: fromBool(r.missing_from_source),
  updated_at: r.updated_at,
});

const toIdentityText = (r: Selectable<IdentitiesTable>): IdentityText => ({
  id: r.id,
  source_id: r.source_id,
  attributes: r.attributes,
  status: r.status as IdentityStatus,
  missing_from_source: fromBool(r.missing_from_source),
  updated_at: r.updated_at,
});

const toAccount = (r: Selectable<AccountsTable>, entitlements: string[]): ActualAccount => ({
  app_id: r.app_id,
  account_id: r.account_id,
  identity_id: r.identity_id,
  attributes: fromJson<Record<string, string>>(r.attributes),
  container: r.container,
  enabled: fromBool(r.enabled),
  entitlements,
});

const filtered = <Q extends SelectQueryBuilder<Database, 'identities', object>>(
  db: Kysely<Database>,
  query: Q,
  { status, missing, department, q }: IdentityFilter,
): Q => {
  let out = query;
  if (status !== undefined) out = out.where('status', '=', status) as Q;
  if (missing !== undefined) out = out.where('missing_from_source', '=', missing ? 1 : 0) as Q;
  if (department !== undefined) out = out.where('department', '=', department) as Q;
  const words = q === undefined ? [] : searchWords(q);
  if (words.length > 0) out = out.where((eb) => matchesWords(db, eb, words)) as Q;
  return out;
};

const identityRows = (db: Kysely<Database>, { after, limit, ...f }: IdentityPageQuery) => {
  let q = filtered(db, db.selectFrom('identities').selectAll(), f);
  if (after !== undefined) q = q.where('id', '>', after);
  return q.orderBy('id').limit(limit).execute();
};

const grouped = (rows: { k: string; n: number | string | bigint }[]) =>
  Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));

export const createBrowseRepo = (db: Kysely<Database>): BrowseRepo => ({
  async ping() {
    await sql`select 1`.execute(db);
  },

  async identities(q) {
    return (await identityRows(db, q)).map(toIdentity);
  },

  identityRows: async (q) => (await identityRows(db, q)).map(toIdentityText),

  async countIdentities(f) {
    const words = f.q === undefined ? [] : searchWords(f.q);
    const only = f.status === undefined && f.missing === undefined && f.department === undefined;
    // A search alone is counted from the indexes: its id sets, intersected, never the rows.
    if (only && words.length > 0) return countMatching(db, words);
    const row = await filtered(
      db,
      db.selectFrom('identities').select((eb) => eb.fn.countAll<number | string>().as('n')),
      f,
    ).executeTakeFirstOrThrow();
    return Number(row.n);
  },

  async identityByEmail(email) {
    // Attributes are canonical JSON ("email":"…" with no spaces): LIKE narrows, JS confirms.
    const needle = `%${JSON.stringify(email.toLowerCase()).slice(1, -1)}%`;
    const rows = await db
      .selectFrom('identities')
      .selectAll()
      .where(sql`lower(attributes)`, 'like', needle)
      .orderBy('id')
      .limit(50)
      .execute();
    return rows
      .map(toIdentity)
      .find((i) => i.attributes.email.toLowerCase() === email.toLowerCase());
  },

  async accounts({ after, limit, appId, identityId }) {
    let q = db.selectFrom('accounts').selectAll();
    if (appId !== undefined) q = q.where('app_id', '=', appId);
    if (identityId !== undefined) q = q.where('identity_id', '=', identityId);
    if (after !== undefined) {
      q = q.where((eb) =>
        eb.or([
          eb('app_id', '>', after.app_id),
          eb.and([eb('app_id', '=', after.app_id), eb('account_id', '>', after.account_id)]),
        ]),
      );
    }
    const rows = await q.orderBy('app_id').orderBy('account_id').limit(limit).execute();
    if (rows.length === 0) return [];
    const held = await db
      .selectFrom('access_history')
      .select(['app_id', 'account_id', 'entitlement_id'])
      .where('valid_to', 'is', null)
      .where('entitlement_id', 'is not', null)
      .where((eb) =>
        eb.or(
          rows.map((r) =>
            eb.and([eb('app_id', '=', r.app_id), eb('account_id', '=', r.account_id)]),
          ),
        ),
      )
      .orderBy('entitlement_id')
      .execute();
    const byAccount = new Map<string, string[]>();
    for (const h of held) {
      const key = `${h.app_id}\u0000${h.account_id}`;
      byAccount.set(key, [...(byAccount.get(key) ?? []), h.entitlement_id!]);
    }
    return rows.map((r) => toAccount(r, byAccount.get(`${r.app_id}\u0000${r.account_id}`) ?? []));
  },

  async grants({ identityId, after, limit }) {
    let q = db
      .selectFrom('grants')
      .select(['id', 'identity_id', 'app_id', 'entitlement_id', 'reason', 'expires_at']);
    if (identityId !== undefined) q = q.where('identity_id', '=', identityId);
    if (after !== undefined) q = q.where('id', '>', after);
    return q.orderBy('id').limit(limit).execute();
  },

  async audit({ afterSeq, limit, since, until, action, actor, target }) {
    let q = db.selectFrom('audit_events').selectAll();
    if (afterSeq !== undefined) q = q.where('seq', '>', afterSeq);
    if (since !== undefined) q = q.where('ts', '>=', toTimestamp(since));
    if (until !== undefined) q = q.where('ts', '<', toTimestamp(until));
    if (action !== undefined) q = q.where('action', '=', action);
    if (actor !== undefined) q = q.where('actor', '=', actor);
    if (target !== undefined) q = q.where('target', '=', target);
    return (await q.orderBy('seq').limit(limit).execute()) as AuditEvent[];
  },

  async counts() {
    const [runs, ops, oldest, tasks] = await Promise.all([
      db
        .selectFrom('runs')
        .select((eb) => [eb.ref('status').as('k'), eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute(),
      db
        .selectFrom('operations')
        .select((eb) => [eb.ref('status').as('k'), eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute(),
      db
        .selectFrom('runs')
        .select((eb) => eb.fn.min('created_at').as('at'))
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('operations')
              .select(sql.lit(1).as('one'))
              .where('operations.status', '=', 'queued')
              .whereRef('operations.run_id', '=', 'runs.id'),
          ),
        )
        .executeTakeFirst(),
      db
        .selectFrom('tasks')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('at')])
        .where('status', '=', 'open')
        .executeTakeFirst(),
    ]);
    return {
      runs: grouped(runs),
      operations: grouped(ops),
      oldest_queued_at: (oldest?.at as string | null | undefined) ?? null,
      open_tasks: Number(tasks?.n ?? 0),
      oldest_open_task_at: (tasks?.at as string | null | undefined) ?? null,
    };
  },
});
