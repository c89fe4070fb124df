/**
 * Replaces one application's actual state (accounts + open access history) with what a
 * reconciliation read, writing only the difference, in transactions of a few thousand rows.
 */
import type { Kysely } from 'kysely';
import type { ActualAccount } from '../domain/types.js';
import { fromBool, inTransaction, toBool, toJson, toTimestamp } from './codec.js';
import { type AccountWork as Work, writeAccountWork } from './reconcile-write-repo.js';
import type { Database, StoreDialect } from './schema.js';

export type ActualStateChange = {
  accounts_added: number;
  accounts_updated: number;
  accounts_removed: number;
  access_opened: number;
  access_closed: number;
};

/** Rows written per transaction: short enough not to block other writers, long enough to be fast. */
const ROWS_PER_TRANSACTION = 5000;

const openKey = (account: string, entitlement: string | null) =>
  `${account}\u0000${entitlement ?? ''}`;

/**
 * Effective dating: an open access row whose (account, entitlement-or-enabled, identity) is still
 * true stays open; one no longer true is closed at `at`; a newly true one opens at `at`. A change
 * of identity link closes the old row and opens a new one, so `access --at` attributes correctly.
 * Accounts not read any more are removed. Re-running with the same accounts writes nothing.
 */
export async function replaceActual(
  db: Kysely<Database>,
  dialect: StoreDialect,
  appId: string,
  accounts: readonly ActualAccount[],
  atInput: string,
  onProgress?: (done: number, total: number) => void,
): Promise<ActualStateChange> {
  const at = toTimestamp(atInput);
  const [stored, open] = await Promise.all([
    db.selectFrom('accounts').selectAll().where('app_id', '=', appId).execute(),
    db
      .selectFrom('access_history')
      .select(['id', 'account_id', 'entitlement_id', 'identity_id'])
      .where('app_id', '=', appId)
      .where('valid_to', 'is', null)
      .execute(),
  ]);
  const change: ActualStateChange = {
    accounts_added: 0,
    accounts_updated: 0,
    accounts_removed: 0,
    access_opened: 0,
    access_closed: 0,
  };
  const work = new Map<string, Work>();
  const workFor = (account: string): Work => {
    let w = work.get(account);
    if (w === undefined) {
      w = { account, upsert: null, remove: false, close: [], open: [] };
      work.set(account, w);
    }
    return w;
  };

  const openRows = new Map<string, (typeof open)[number]>();
  for (const r of open) openRows.set(openKey(r.account_id, r.entitlement_id), r);
  const before = new Map(stored.map((r) => [r.account_id, r]));
  const wanted = (a: ActualAccount, entitlement: string | null) => {
    const key = openKey(a.account_id, entitlement);
    const row = openRows.get(key);
    if (row !== undefined) openRows.delete(key);
    if (row !== undefined && row.identity_id === a.identity_id) return;
    const w = workFor(a.account_id);
    if (row !== undefined) w.close.push(row.id);
    w.open.push({
      app_id: appId,
      account_id: a.account_id,
      identity_id: a.identity_id,
      entitlement_id: entitlement,
      valid_from: at,
      valid_to: null,
    });
  };

  for (const a of accounts) {
    const prev = before.get(a.account_id);
    before.delete(a.account_id);
    const attributes = toJson(a.attributes);
    if (
      prev === undefined ||
      prev.identity_id !== a.identity_id ||
      prev.attributes !== attributes ||
      prev.container !== a.container ||
      fromBool(prev.enabled) !== a.enabled
    ) {
      workFor(a.account_id).upsert = {
        app_id: appId,
        account_id: a.account_id,
        identity_id: a.identity_id,
        attributes,
        container: a.container,
        enabled: toBool(a.enabled),
        created_at: prev?.created_at ?? at,
        updated_at: at,
      };
      if (prev === undefined) change.accounts_added++;
      else change.accounts_updated++;
    }
    if (a.enabled) wanted(a, null);
    for (const e of a.entitlements) wanted(a, e);
  }
  for (const gone of before.keys()) {
    workFor(gone).remove = true;
    change.accounts_removed++;
  }
  for (const row of openRows.values()) workFor(row.account_id).close.push(row.id);

  const items = [...work.values()];
  for (const w of items) {
    change.access_closed += w.close.length;
    change.access_opened += w.open.length;
  }
  let done = 0;
  for (const batch of batches(items)) {
    await inTransaction(db, (trx) => writeAccountWork(trx, dialect, appId, batch, at));
    done += batch.length;
    onProgress?.(done, items.length);
  }
  return change;
}

function* batches(items: Work[]): Generator<Work[]> {
  let batch: Work[] = [];
  let rows = 0;
  for (const w of items) {
    batch.push(w);
    rows += 1 + w.close.length + w.open.length;
    if (rows >= ROWS_PER_TRANSACTION) {
      yield batch;
      batch = [];
      rows = 0;
    }
  }
  if (batch.length > 0) yield batch;
}
