/** Actual accounts with their current entitlements, and who held what at any moment. */
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import { TenureError } from '../domain/errors.js';
import { actionOf } from '../domain/phases.js';
import type { Timestamp } from '../domain/timestamp.js';
import type { ActualAccount, Operation, OperationResult } from '../domain/types.js';
import { applyAction, withoutUnapplied } from './apply-operation.js';
import { chunks, fromBool, fromJson, inTransaction, toTimestamp } from './codec.js';
import type { AccountsTable, Database, StoreDialect } from './schema.js';

/** One entry in the held-access history: an account being enabled, or an entitlement held. */
export type AccessRow = {
  app_id: string;
  account_id: string;
  identity_id: string | null;
  /** null = the account itself (enabled) */
  entitlement_id: string | null;
  valid_from: Timestamp;
  valid_to: Timestamp | null;
};

/** Actual state: accounts, their entitlements, and the held-access history. */
export type AccountsRepo = {
  /** Current accounts with their current entitlements. */
  all(appId?: string): Promise<ActualAccount[]>;
  forIdentity(identityId: string): Promise<ActualAccount[]>;
  /** Accounts linked to any of these identities (a plan reads them a batch at a time). */
  forIdentities(identityIds: readonly string[]): Promise<ActualAccount[]>;
  /** Accounts linked to no identity. */
  orphans(): Promise<ActualAccount[]>;
  /** Enabled accounts per application, for these applications (absent: none enabled). */
  enabledCounts(appIds: readonly string[]): Promise<Map<string, number>>;
  /** Records the effect of one successful (or manually completed) operation on actual state. */
  applyOperation(op: Operation, result: OperationResult, at: Timestamp): Promise<void>;
  /** Who held what at `at`, optionally for one identity. */
  accessAt(at: Timestamp, identityId?: string): Promise<AccessRow[]>;
};

/** Ids per `in (…)` list: far below SQLite's and PostgreSQL's bound-parameter limits. */
const ID_CHUNK = 500;

/** What an ActualAccount is made of (not the row's timestamps). */
const ACCOUNT_COLUMNS = [
  'app_id',
  'account_id',
  'identity_id',
  'attributes',
  'container',
  'enabled',
] as const;

type Filter = { appId?: string; identityIds?: readonly string[]; orphans?: boolean };

/**
 * The entitlements open on the outer `accounts` row, ordered, aggregated in the same query: one
 * row per account instead of one per entitlement (2 M of them for 100 k people) plus a join in
 * JavaScript. SQLite gives JSON text ('[]' when none); PostgreSQL a text[] (null when none).
 */
const heldEntitlements = (dialect: StoreDialect): RawBuilder<string | string[] | null> => {
  const open = sql`from access_history as h
    where h.app_id = accounts.app_id and h.account_id = accounts.account_id
      and h.valid_to is null and h.entitlement_id is not null`;
  return dialect === 'sqlite'
    ? sql`(select json_group_array(h.entitlement_id order by h.entitlement_id) ${open})`
    : sql`(select array_agg(h.entitlement_id order by h.entitlement_id) ${open})`;
};

/** Reads accounts matching `filter` plus the entitlements currently open on them. */
const load = async (
  db: Kysely<Database>,
  dialect: StoreDialect,
  filter: Filter,
): Promise<ActualAccount[]> => {
  let q = db
    .selectFrom('accounts')
    .select(ACCOUNT_COLUMNS)
    .select(heldEntitlements(dialect).as('held'));
  if (filter.appId !== undefined) q = q.where('app_id', '=', filter.appId);
  if (filter.identityIds !== undefined) q = q.where('identity_id', 'in', [...filter.identityIds]);
  if (filter.orphans) q = q.where('identity_id', 'is', null);
  const rows = await q.orderBy('app_id').orderBy('account_id').execute();
  return rows.map((r) =>
    toAccount(r, typeof r.held === 'string' ? fromJson<string[]>(r.held) : (r.held ?? [])),
  );
};

const toAccount = (
  r: Pick<Selectable<AccountsTable>, (typeof ACCOUNT_COLUMNS)[number]>,
  entitlements: string[],
): ActualAccount => ({
  app_id: r.app_id,
  account_id: r.account_id,
  identity_id: r.identity_id,
  attributes: fromJson<Record<string, string>>(r.attributes),
  container: r.container,
  enabled: fromBool(r.enabled),
  entitlements,
});

export const createAccountsRepo = (db: Kysely<Database>, dialect: StoreDialect): AccountsRepo => ({
  all: (appId) => load(db, dialect, appId === undefined ? {} : { appId }),
  forIdentity: (identityId) => load(db, dialect, { identityIds: [identityId] }),

  async forIdentities(identityIds) {
    if (identityIds.length === 0) return [];
    const out: ActualAccount[] = [];
    for (const ids of chunks(identityIds, ID_CHUNK)) {
      for (const a of await load(db, dialect, { identityIds: ids })) out.push(a);
    }
    return out;
  },

  orphans: () => load(db, dialect, { orphans: true }),

  async enabledCounts(appIds) {
    const counts = new Map<string, number>();
    for (const ids of chunks(appIds, ID_CHUNK)) {
      const rows = await db
        .selectFrom('accounts')
        .select((eb) => ['app_id', eb.fn.countAll().as('n')])
        .where('enabled', '=', 1)
        .where('app_id', 'in', ids)
        .groupBy('app_id')
        .execute();
      for (const r of rows) counts.set(r.app_id, Number(r.n));
    }
    return counts;
  },

  /** Only `success` changes actual state; failures and pending manual work leave it as it was. */
  async applyOperation(op, result, atInput) {
    if (result.outcome !== 'success') return;
    const at = toTimestamp(atInput);
    // A task closed as done must say what was done: no guessing in the record of actual state.
    if (op.kind === 'manual.task' && !op.task?.action) {
      throw new TenureError('store.bad_operation', `manual.task ${op.key} has no task.action`, {
        key: op.key,
      });
    }
    const action = actionOf(op);
    const accountId =
      action === 'account.create' ? (result.account_id ?? op.account_id) : op.account_id;
    const written = withoutUnapplied(op, result.unapplied);
    await inTransaction(db, (trx) => applyAction(trx, written, action, accountId, at));
  },

  async accessAt(atInput, identityId) {
    const at = toTimestamp(atInput);
    let q = db
      .selectFrom('access_history')
      .select(['app_id', 'account_id', 'identity_id', 'entitlement_id', 'valid_from', 'valid_to'])
      .where('valid_from', '<=', at)
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', at)]));
    if (identityId !== undefined) q = q.where('identity_id', '=', identityId);
    // coalesce: SQLite sorts NULL first and PostgreSQL last; the account row should lead on both.
    return q
      .orderBy('app_id')
      .orderBy('account_id')
      .orderBy(sql`coalesce(entitlement_id, '')`)
      .orderBy('valid_from')
      .execute();
  },
});
