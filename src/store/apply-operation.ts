/** Records the effect of one successful operation on `accounts` and the access history. */
import type { Kysely, Selectable } from 'kysely';
import { TenureError } from '../domain/errors.js';
import type { DirectOperationKind, Operation } from '../domain/types.js';
import { toJson } from './codec.js';
import type { AccountsTable, Database } from './schema.js';

type Ctx = { trx: Kysely<Database>; op: Operation; app: string; account: string; at: string };
type Account = Selectable<AccountsTable>;

/**
 * Every branch is idempotent: it compares with what is stored and writes only the difference,
 * so re-applying an operation after a retry or crash changes nothing. Operations on an account
 * the store has not seen yet (not reconciled) first record it, since the target evidently has it.
 */
export const applyAction = async (
  trx: Kysely<Database>,
  op: Operation,
  action: DirectOperationKind,
  accountId: string,
  at: string,
): Promise<void> => {
  const ctx: Ctx = { trx, op, app: op.app_id, account: accountId, at };
  switch (action) {
    case 'account.create': {
      // Pre-hires (and leave with `leave: disable`) are created disabled: no access yet.
      const enabled = op.enabled !== false;
      const acc = await ensureAccount(ctx, enabled);
      await patch(ctx, acc, {
        enabled: enabled ? 1 : 0,
        ...(op.attributes && { attributes: toJson(op.attributes) }),
        ...(op.container !== undefined && { container: op.container }),
      });
      return enabled ? openAccess(ctx, acc, null) : closeAccess(ctx, null);
    }
    case 'account.update': {
      const acc = await ensureAccount(ctx, true);
      return patch(ctx, acc, { attributes: toJson(op.attributes ?? {}) });
    }
    case 'account.move': {
      const acc = await ensureAccount(ctx, true);
      return patch(ctx, acc, { container: op.container ?? null });
    }
    case 'account.disable': {
      const acc = await ensureAccount(ctx, false);
      await patch(ctx, acc, { enabled: 0 });
      return closeAccess(ctx, null);
    }
    case 'account.enable': {
      const acc = await ensureAccount(ctx, true);
      await patch(ctx, acc, { enabled: 1 });
      return openAccess(ctx, acc, null);
    }
    case 'account.delete':
      await closeAccess(ctx, EVERYTHING);
      await trx
        .deleteFrom('accounts')
        .where('app_id', '=', ctx.app)
        .where('account_id', '=', ctx.account)
        .execute();
      return;
    case 'entitlement.grant':
      return openAccess(ctx, await ensureAccount(ctx, true), entitlementOf(op));
    case 'entitlement.revoke':
      return closeAccess(ctx, entitlementOf(op));
  }
};

/**
 * The operation as the target really applied it: attributes it reported unwritten are left out of
 * the actual state, so the next plan sees them differ and proposes them again.
 */
export const withoutUnapplied = (op: Operation, unapplied: readonly string[] = []): Operation => {
  if (unapplied.length === 0 || !op.attributes) return op;
  const attributes = { ...op.attributes };
  for (const k of unapplied) delete attributes[k];
  return { ...op, attributes };
};

const entitlementOf = (op: Operation): string => {
  if (!op.entitlement) {
    throw new TenureError('store.bad_operation', `${op.kind} ${op.key} names no entitlement`, {
      key: op.key,
    });
  }
  return op.entitlement;
};

const ensureAccount = async (ctx: Ctx, enabled: boolean): Promise<Account> => {
  const existing = await ctx.trx
    .selectFrom('accounts')
    .selectAll()
    .where('app_id', '=', ctx.app)
    .where('account_id', '=', ctx.account)
    .executeTakeFirst();
  if (existing) return existing;
  const row: Account = {
    app_id: ctx.app,
    account_id: ctx.account,
    identity_id: ctx.op.identity_id,
    attributes: toJson(ctx.op.attributes ?? {}),
    container: ctx.op.container ?? null,
    enabled: enabled ? 1 : 0,
    created_at: ctx.at,
    updated_at: ctx.at,
  };
  await ctx.trx.insertInto('accounts').values(row).execute();
  if (enabled) await openAccess(ctx, row, null);
  return row;
};

/** Updates only the columns that differ; links the account to the op's identity if it names one. */
const patch = async (
  ctx: Ctx,
  acc: Account,
  values: Partial<Pick<Account, 'enabled' | 'attributes' | 'container'>>,
) => {
  const wanted = { ...values, ...(ctx.op.identity_id && { identity_id: ctx.op.identity_id }) };
  const diff = Object.fromEntries(
    Object.entries(wanted).filter(([k, v]) => acc[k as keyof Account] !== v),
  );
  if (Object.keys(diff).length === 0) return;
  Object.assign(acc, diff);
  await ctx.trx
    .updateTable('accounts')
    .set({ ...diff, updated_at: ctx.at })
    .where('app_id', '=', ctx.app)
    .where('account_id', '=', ctx.account)
    .execute();
};

const openAccess = async (ctx: Ctx, acc: Account, entitlement: string | null) => {
  let q = ctx.trx
    .selectFrom('access_history')
    .select('id')
    .where('app_id', '=', ctx.app)
    .where('account_id', '=', ctx.account)
    .where('valid_to', 'is', null);
  q =
    entitlement === null
      ? q.where('entitlement_id', 'is', null)
      : q.where('entitlement_id', '=', entitlement);
  if (await q.executeTakeFirst()) return;
  await ctx.trx
    .insertInto('access_history')
    .values({
      app_id: ctx.app,
      account_id: ctx.account,
      identity_id: acc.identity_id ?? ctx.op.identity_id,
      entitlement_id: entitlement,
      valid_from: ctx.at,
      valid_to: null,
    })
    .execute();
};

const EVERYTHING = Symbol('everything');

/** Closes the account row (null), one entitlement, or everything the account holds. */
const closeAccess = async (ctx: Ctx, which: string | null | typeof EVERYTHING) => {
  let q = ctx.trx
    .updateTable('access_history')
    .set({ valid_to: ctx.at })
    .where('app_id', '=', ctx.app)
    .where('account_id', '=', ctx.account)
    .where('valid_to', 'is', null);
  if (which === null) q = q.where('entitlement_id', 'is', null);
  else if (which !== EVERYTHING) q = q.where('entitlement_id', '=', which);
  await q.execute();
};
