/**
 * apply(): one batch in dependency phases (create, then move/update/enable, then grant/revoke,
 * then disable/delete), accounts `concurrency` at a time, each operation retried on transient
 * failures and ending in exactly one result. An authentication failure ends the batch early
 * (every other request would be refused too); nothing else one operation does touches another.
 */
import { OPERATION_ORDER, OPERATION_PHASES } from '../../domain/phases.js';
import type { Operation, OperationResult } from '../../domain/types.js';
import { forEachLimit, withRetry } from './concurrency.js';
import type { ScimCtx } from './context.js';
import { describeError, ScimAuthError, ScimOpError } from './errors.js';
import { applyMemberships, type MemberItem } from './groups.js';
import { findUsersBatched } from './lookup.js';
import { userNameOf } from './mapping.js';
import {
  createUser,
  type Done,
  deleteUser,
  moveUser,
  setActive,
  updateUser,
  userIdOf,
} from './users.js';

const PHASES: readonly (readonly Operation['kind'][])[] = OPERATION_PHASES;
const ORDER: Partial<Record<Operation['kind'], number>> = OPERATION_ORDER;

type Results = Map<string, OperationResult>;
type Json = Record<string, unknown>;

/** One apply() call: its results, and the authentication failure that ends it, if any. */
type Batch = { results: Results; fatal?: ScimAuthError };

const fail = (b: Batch, op: Operation, e: unknown) => {
  if (e instanceof ScimAuthError) b.fatal ??= e;
  b.results.set(op.key, failure(op, e));
};

export async function applyBatch(ctx: ScimCtx, ops: Operation[]): Promise<OperationResult[]> {
  const b: Batch = { results: new Map() };
  const { results } = b;
  const run = async (op: Operation, fn: (attempt: number) => Promise<Done>) => {
    if (b.fatal) return fail(b, op, b.fatal);
    try {
      results.set(op.key, success(op, await withRetry(ctx.retry, fn)));
    } catch (e) {
      fail(b, op, e);
    }
  };
  for (const op of ops)
    if (op.kind === 'manual.task')
      fail(b, op, new ScimOpError('the scim connector does not take manual tasks'));
  for (const kinds of PHASES) {
    const phase = ops.filter((o) => kinds.includes(o.kind) && !results.has(o.key));
    if (phase.length === 0) continue;
    if (kinds[0] === 'entitlement.grant') {
      await memberships(ctx, phase, b);
      continue;
    }
    const known = kinds[0] === 'account.create' ? await prefetch(ctx, phase) : new Map();
    // One account's operations run in order; different accounts run concurrently.
    const byAccount = new Map<string, Operation[]>();
    for (const op of phase) {
      const k = op.account_id.toLowerCase();
      byAccount.set(k, [...(byAccount.get(k) ?? []), op]);
    }
    await forEachLimit([...byAccount.values()], ctx.settings.concurrency, async (list) => {
      list.sort((a, b) => (ORDER[a.kind] ?? 0) - (ORDER[b.kind] ?? 0));
      for (const op of list)
        await run(op, (attempt) =>
          op.kind === 'account.create' && attempt === 0
            ? createUser(ctx, op, known.get(userNameOf(op, ctx.mapping).toLowerCase()))
            : runOne(ctx, op),
        );
    });
  }
  return ops.map((op) => results.get(op.key) ?? failure(op, new Error('no result')));
}

function runOne(ctx: ScimCtx, op: Operation): Promise<Done> {
  switch (op.kind) {
    case 'account.create':
      return createUser(ctx, op);
    case 'account.update':
      return updateUser(ctx, op);
    case 'account.move':
      return moveUser(ctx, op);
    case 'account.enable':
      return setActive(ctx, op, true);
    case 'account.disable':
      return setActive(ctx, op, false);
    case 'account.delete':
      return deleteUser(ctx, op);
    default:
      throw new ScimOpError(`unexpected operation ${op.kind}`);
  }
}

/** With `lookup_batch` > 1: the creates' users looked up `or`-joined, before any is written. */
async function prefetch(ctx: ScimCtx, creates: Operation[]): Promise<Map<string, Json | null>> {
  const batch = ctx.settings.lookup_batch;
  if (batch <= 1 || creates.length < 2) return new Map();
  const names: string[] = [];
  for (const op of creates) {
    try {
      names.push(userNameOf(op, ctx.mapping));
    } catch {
      // reported by the operation itself
    }
  }
  try {
    return await withRetry(ctx.retry, () => findUsersBatched(ctx, names, batch));
  } catch (e) {
    ctx.log.warn({ error: describeError(e) }, 'scim: batched lookup failed; looking up one by one');
    return new Map();
  }
}

/** Resolves each member's SCIM id (cached from the create phase), then works per group. */
async function memberships(ctx: ScimCtx, phase: Operation[], b: Batch): Promise<void> {
  const ids = new Map<string, string | null>();
  const accounts = [...new Set(phase.map((o) => o.account_id))];
  await forEachLimit(accounts, ctx.settings.concurrency, async (account) => {
    if (b.fatal) return;
    try {
      ids.set(account, (await withRetry(ctx.retry, () => userIdOf(ctx, account))) ?? null);
    } catch (e) {
      for (const op of phase) if (op.account_id === account) fail(b, op, e);
    }
  });
  const items: MemberItem[] = [];
  for (const op of phase) {
    if (b.results.has(op.key)) continue;
    const id = ids.get(op.account_id);
    if (b.fatal) fail(b, op, b.fatal);
    else if (!op.entitlement) fail(b, op, new ScimOpError(`${op.kind} names no entitlement`));
    else if (id) items.push({ op, userId: id });
    else if (op.kind === 'entitlement.revoke')
      b.results.set(op.key, success(op, { message: 'account absent: nothing to remove' }));
    else fail(b, op, new ScimOpError(`account "${op.account_id}" not found (no such userName)`));
  }
  await applyMemberships(ctx, items, b.results);
}

const failure = (op: Operation, e: unknown): OperationResult => ({
  key: op.key,
  outcome: 'failure',
  message: describeError(e),
});
const success = (op: Operation, d: Done): OperationResult => ({
  key: op.key,
  outcome: 'success',
  ...(d.message ? { message: d.message } : {}),
  ...(d.account_id ? { account_id: d.account_id } : {}),
});
