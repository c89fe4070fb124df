/** Stored reconciliations and their findings (timestamped evidence), and the actual-state replacement. */
import type { Generated, Kysely, Selectable } from 'kysely';
import type { Finding, FindingKind } from '../domain/reconcile.js';
import type { ActualAccount } from '../domain/types.js';
import { chunks, fromBool, fromJson, inTransaction, toBool, toJson, toTimestamp } from './codec.js';
import { type ActualStateChange, replaceActual } from './reconcile-accounts-repo.js';
import type { Bool, Database, JsonText, StoreDialect } from './schema.js';

export type { ActualStateChange } from './reconcile-accounts-repo.js';

export type ReconciliationsTable = {
  id: Generated<number>;
  app_id: string;
  started_at: string;
  finished_at: string;
  status: string;
  actor: string;
  summary: JsonText;
  error: string | null;
};

export type ReconciliationFindingsTable = {
  id: Generated<number>;
  reconciliation_id: number;
  app_id: string;
  kind: string;
  reason: string;
  account_id: string;
  identity_id: string | null;
  entitlement_id: string | null;
  details: JsonText;
  is_new: Bool;
};

/** Used with `db.withTables<ReconcileTables>()`, so the core Database type stays untouched. */
export type ReconcileTables = {
  reconciliations: ReconciliationsTable;
  reconciliation_findings: ReconciliationFindingsTable;
};

export type ReconciliationRow = {
  id: number;
  app_id: string;
  started_at: string;
  finished_at: string;
  /** failed: the target could not be read (nothing was stored but this row). */
  status: 'done' | 'failed';
  actor: string;
  /** Counts (accounts, linked, per finding kind) and the actual-state change. */
  summary: Record<string, unknown>;
  error: string | null;
};

/** A finding as stored; `is_new`: absent from the application's previous reconciliation. */
export type StoredFinding = Finding & { reconciliation_id: number; is_new: boolean };

export type ReconciliationsRepo = {
  /** Makes `accounts` the application's actual state at `at` (see reconcile-accounts-repo.ts). */
  replaceActual(
    appId: string,
    accounts: readonly ActualAccount[],
    at: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ActualStateChange>;
  /** account id -> identity id (null: orphan) of every account Tenure knows in the application. */
  links(appId: string): Promise<Map<string, string | null>>;
  /** Stores one reconciliation and its findings; returns its id. */
  record(
    row: Omit<ReconciliationRow, 'id'>,
    findings: readonly (Finding & { is_new: boolean })[],
  ): Promise<number>;
  get(id: number): Promise<ReconciliationRow | undefined>;
  /** The latest reconciliation of each application (of one, with `appId`), `done` ones only by default. */
  latest(opts?: {
    appId?: string;
    status?: ReconciliationRow['status'];
  }): Promise<ReconciliationRow[]>;
  findings(reconciliationId: number, kind?: FindingKind): Promise<StoredFinding[]>;
};

/** 10 columns × 1,000 rows stays under SQLite's bound-variable limit. */
const INSERT_CHUNK = 1000;

const toRow = (r: Selectable<ReconciliationsTable>): ReconciliationRow => ({
  id: Number(r.id),
  app_id: r.app_id,
  started_at: r.started_at,
  finished_at: r.finished_at,
  status: r.status as ReconciliationRow['status'],
  actor: r.actor,
  summary: fromJson<Record<string, unknown>>(r.summary),
  error: r.error,
});

const toFinding = (r: Selectable<ReconciliationFindingsTable>): StoredFinding => ({
  reconciliation_id: Number(r.reconciliation_id),
  kind: r.kind as FindingKind,
  app_id: r.app_id,
  account_id: r.account_id,
  identity_id: r.identity_id,
  entitlement_id: r.entitlement_id,
  reason: r.reason,
  details: fromJson<Record<string, unknown>>(r.details),
  is_new: fromBool(r.is_new),
});

export const createReconciliationsRepo = (
  base: Kysely<Database>,
  dialect: StoreDialect,
): ReconciliationsRepo => {
  const db = base.withTables<ReconcileTables>();
  return {
    replaceActual: (appId, accounts, at, onProgress) =>
      replaceActual(base, dialect, appId, accounts, at, onProgress),

    async links(appId) {
      const rows = await base
        .selectFrom('accounts')
        .select(['account_id', 'identity_id'])
        .where('app_id', '=', appId)
        .execute();
      return new Map(rows.map((r) => [r.account_id, r.identity_id]));
    },

    record: (row, findings) =>
      inTransaction(base, async (trx) => {
        const tx = trx.withTables<ReconcileTables>();
        const inserted = await tx
          .insertInto('reconciliations')
          .values({
            ...row,
            started_at: toTimestamp(row.started_at),
            finished_at: toTimestamp(row.finished_at),
            summary: toJson(row.summary),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const id = Number(inserted.id);
        for (const batch of chunks(findings, INSERT_CHUNK)) {
          await tx
            .insertInto('reconciliation_findings')
            .values(
              batch.map((f) => ({
                reconciliation_id: id,
                app_id: f.app_id,
                kind: f.kind,
                reason: f.reason,
                account_id: f.account_id,
                identity_id: f.identity_id,
                entitlement_id: f.entitlement_id,
                details: toJson(f.details),
                is_new: toBool(f.is_new),
              })),
            )
            .execute();
        }
        return id;
      }),

    async get(id) {
      const r = await db
        .selectFrom('reconciliations')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toRow(r);
    },

    async latest(opts = {}) {
      const status = opts.status ?? 'done';
      let ids = db
        .selectFrom('reconciliations')
        .select((eb) => eb.fn.max('id').as('id'))
        .where('status', '=', status)
        .groupBy('app_id');
      if (opts.appId !== undefined) ids = ids.where('app_id', '=', opts.appId);
      const wanted = (await ids.execute()).map((r) => Number(r.id));
      if (wanted.length === 0) return [];
      const rows = await db
        .selectFrom('reconciliations')
        .selectAll()
        .where('id', 'in', wanted)
        .orderBy('app_id')
        .execute();
      return rows.map(toRow);
    },

    async findings(reconciliationId, kind) {
      let q = db
        .selectFrom('reconciliation_findings')
        .selectAll()
        .where('reconciliation_id', '=', reconciliationId);
      if (kind !== undefined) q = q.where('kind', '=', kind);
      return (await q.orderBy('id').execute()).map(toFinding);
    },
  };
};
