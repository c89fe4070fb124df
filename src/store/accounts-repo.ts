/** Actual accounts with their current entitlements, and who held what at any moment. */
import { type Kysely, type Selectable, sql } from 'kysely';
import { TenureError } from '../domain/errors.js';
import type { ActualAccount } from '../domain/types.js';
import { applyAction } from './apply-operation.js';
import { fromBool, fromJson, inTransaction, toTimestamp } from './codec.js';
import type { AccountsTable, Database } from './schema.js';
import type { Store } from './types.js';

const accountKey = (app: string, account: string) => `${app}\u0000${account}`;

/** Reads accounts matching `filter` plus the entitlements currently open on them. */
const load = async (
  db: Kysely<Database>,
  filter: { appId?: string; identityId?: string },
): Promise<ActualAccount[]> => {
  let accounts = db.selectFrom('accounts').selectAll();
  let ents = db
    .selectFrom('access_history as h')
    .innerJoin('accounts as a', (j) =>
      j.onRef('a.app_id', '=', 'h.app_id').onRef('a.account_id', '=', 'h.account_id'),
    )
    .select(['h.app_id', 'h.account_id', 'h.entitlement_id'])
    .where('h.valid_to', 'is', null)
    .where('h.entitlement_id', 'is not', null);
  if (filter.appId !== undefined) {
    accounts = accounts.where('app_id', '=', filter.appId);
    ents = ents.where('a.app_id', '=', filter.appId);
  }
  if (filter.identityId !== undefined) {
    accounts = accounts.where('identity_id', '=', filter.identityId);
    ents = ents.where('a.identity_id', '=', filter.identityId);
  }
  const [rows, held] = await Promise.all([
    accounts.orderBy('app_id').orderBy('account_id').execute(),
    ents.orderBy('h.entitlement_id').execute(),
  ]);
  const byAccount = new Map<string, string[]>();
  for (const h of held) {
    const key = accountKey(h.app_id, h.account_id);
    const list = byAccount.get(key) ?? [];
    list.push(h.entitlement_id!);
    byAccount.set(key, list);
  }
  return rows.map((r) => toAccount(r, byAccount.get(accountKey(r.app_id, r.account_id)) ?? []));
};

const toAccount = (r: Selectable<AccountsTable>, entitlements: string[]): ActualAccount => ({
  app_id: r.app_id,
  account_id: r.account_id,
  identity_id: r.identity_id,
  attributes: fromJson<Record<string, string>>(r.attributes),
  container: r.container,
  enabled: fromBool(r.enabled),
  entitlements,
});

export const createAccountsRepo = (db: Kysely<Database>): Store['accounts'] => ({
  all: (appId) => load(db, appId === undefined ? {} : { appId }),
  forIdentity: (identityId) => load(db, { identityId }),

  /** Only `success` changes actual state; failures and pending manual work leave it as it was. */
  async applyOperation(op, result, atInput) {
    if (result.outcome !== 'success') return;
    const at = toTimestamp(atInput);
    const action = op.kind === 'manual.task' ? op.task?.action : op.kind;
    if (!action) {
      throw new TenureError('store.bad_operation', `manual.task ${op.key} has no task.action`, {
        key: op.key,
      });
    }
    const accountId =
      action === 'account.create' ? (result.account_id ?? op.account_id) : op.account_id;
    await inTransaction(db, (trx) => applyAction(trx, op, action, accountId, at));
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
