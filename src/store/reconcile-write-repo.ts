/** Writes one batch of actual-state changes: portable multi-row SQL, or PostgreSQL arrays (unnest). */
import { type Insertable, type Kysely, sql } from 'kysely';
import { chunks } from './codec.js';
import type { AccessHistoryTable, AccountsTable, Database, StoreDialect } from './schema.js';

/** The work for one account: kept together so every transaction leaves accounts whole. */
export type AccountWork = {
  account: string;
  upsert: Insertable<AccountsTable> | null;
  remove: boolean;
  close: number[];
  open: Insertable<AccessHistoryTable>[];
};

/** Per INSERT: 8 columns × 1,000 rows stays under SQLite's 32,766 bound variables. */
const ROWS_PER_STATEMENT = 1000;

/** Closes first: the open-row unique index allows one open row per (account, entitlement). */
export async function writeAccountWork(
  trx: Kysely<Database>,
  dialect: StoreDialect,
  appId: string,
  batch: readonly AccountWork[],
  at: string,
): Promise<void> {
  const close = batch.flatMap((w) => w.close);
  const removed = batch.filter((w) => w.remove).map((w) => w.account);
  const upserts = batch.flatMap((w) => (w.upsert === null ? [] : [w.upsert]));
  const opens = batch.flatMap((w) => w.open);
  if (dialect === 'postgres')
    return writePostgres(trx, appId, { close, removed, upserts, opens }, at);

  for (const ids of chunks(close, ROWS_PER_STATEMENT)) {
    await trx.updateTable('access_history').set({ valid_to: at }).where('id', 'in', ids).execute();
  }
  for (const ids of chunks(removed, ROWS_PER_STATEMENT)) {
    await trx
      .deleteFrom('accounts')
      .where('app_id', '=', appId)
      .where('account_id', 'in', ids)
      .execute();
  }
  for (const rows of chunks(upserts, ROWS_PER_STATEMENT)) {
    await trx
      .insertInto('accounts')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['app_id', 'account_id']).doUpdateSet((eb) => ({
          identity_id: eb.ref('excluded.identity_id'),
          attributes: eb.ref('excluded.attributes'),
          container: eb.ref('excluded.container'),
          enabled: eb.ref('excluded.enabled'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  for (const rows of chunks(opens, ROWS_PER_STATEMENT)) {
    await trx.insertInto('access_history').values(rows).execute();
  }
}

/**
 * One statement per kind whatever the row count: each column travels as one array parameter,
 * so PostgreSQL parses and plans once instead of per thousand rows.
 */
async function writePostgres(
  trx: Kysely<Database>,
  appId: string,
  w: {
    close: number[];
    removed: string[];
    upserts: Insertable<AccountsTable>[];
    opens: Insertable<AccessHistoryTable>[];
  },
  at: string,
): Promise<void> {
  if (w.close.length > 0) {
    await sql`update access_history set valid_to = ${at} where id = any(${w.close}::int[])`.execute(
      trx,
    );
  }
  if (w.removed.length > 0) {
    await sql`delete from accounts where app_id = ${appId} and account_id = any(${w.removed}::text[])`.execute(
      trx,
    );
  }
  if (w.upserts.length > 0) {
    const col = <K extends keyof Insertable<AccountsTable>>(k: K) =>
      w.upserts.map((r) => r[k] ?? null);
    await sql`
      insert into accounts (app_id, account_id, identity_id, attributes, container, enabled, created_at, updated_at)
      select * from unnest(${col('app_id')}::text[], ${col('account_id')}::text[],
        ${col('identity_id')}::text[], ${col('attributes')}::text[], ${col('container')}::text[],
        ${col('enabled')}::int[], ${col('created_at')}::text[], ${col('updated_at')}::text[])
      on conflict (app_id, account_id) do update set identity_id = excluded.identity_id,
        attributes = excluded.attributes, container = excluded.container,
        enabled = excluded.enabled, updated_at = excluded.updated_at`.execute(trx);
  }
  if (w.opens.length > 0) {
    const col = <K extends keyof Insertable<AccessHistoryTable>>(k: K) =>
      w.opens.map((r) => r[k] ?? null);
    await sql`
      insert into access_history (app_id, account_id, identity_id, entitlement_id, valid_from, valid_to)
      select * from unnest(${col('app_id')}::text[], ${col('account_id')}::text[],
        ${col('identity_id')}::text[], ${col('entitlement_id')}::text[], ${col('valid_from')}::text[],
        ${col('valid_to')}::text[])`.execute(trx);
  }
}
