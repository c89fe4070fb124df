/**
 * apply(): one batch of operations in dependency phases (create, then move/update/enable, then
 * grant/revoke, then disable/delete). Accounts are looked up in bulk per phase; operations on
 * different accounts run concurrently over the pool; each operation is retried on transient
 * failures and ends in exactly one result. Nothing one operation does can abort another.
 */
import { OPERATION_ORDER, OPERATION_PHASES } from '../../domain/phases.js';
import type { Operation, OperationResult } from '../../domain/types.js';
import {
  createAccount,
  type Done,
  type Managers,
  moveAccount,
  setEnabled,
  updateAccount,
} from './accounts.js';
import { prepareContainers } from './containers.js';
import type { LdapCtx } from './context.js';
import { describeError, LdapOpError } from './errors.js';
import { applyMemberships, leaveAllGroups } from './groups.js';
import { connectorAttributes, type Found, loginKey, lookupAccounts, one } from './lookup.js';
import { first } from './pool.js';
import { deleteAccount } from './retention.js';
import { withRetry } from './retry.js';

const PHASES: readonly (readonly Operation['kind'][])[] = OPERATION_PHASES;
const ORDER: Partial<Record<Operation['kind'], number>> = OPERATION_ORDER;

type Results = Map<string, OperationResult>;

export async function applyBatch(ctx: LdapCtx, ops: Operation[]): Promise<OperationResult[]> {
  const results: Results = new Map();
  for (const op of ops) {
    if (op.kind === 'manual.task')
      results.set(op.key, {
        key: op.key,
        outcome: 'failure',
        message: 'the ldap connector does not take manual tasks',
      });
  }
  for (const kinds of PHASES) {
    const phase = ops.filter((o) => kinds.includes(o.kind) && !results.has(o.key));
    if (phase.length === 0) continue;
    try {
      await runPhase(ctx, phase, results);
    } catch (e) {
      // A lookup that failed after its retries (server down): every operation of the phase fails.
      for (const op of phase) if (!results.has(op.key)) results.set(op.key, failure(op, e));
    }
  }
  return ops.map((op) => results.get(op.key) ?? failure(op, new Error('no result')));
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
  ...(d.unapplied?.length ? { unapplied: d.unapplied } : {}),
});

/** Accounts per lookup within a phase: lookups of one slice overlap the writes of another. */
const SLICE = 100;

async function runPhase(ctx: LdapCtx, phase: Operation[], results: Results): Promise<void> {
  const creates = phase.filter((o) => o.kind === 'account.create');
  const managerIds = phase.flatMap((o) => (o.attributes?.manager ? [o.attributes.manager] : []));
  const [managers] = await Promise.all([
    resolveManagers(ctx, managerIds),
    creates.length > 0 ? prepareContainers(ctx, creates) : undefined,
  ]);
  if (phase[0]!.kind.startsWith('entitlement.')) {
    // Memberships need only the DN and memberOf: a much smaller answer than whole entries.
    const found = await withRetry(ctx.retry, () =>
      lookupAccounts(
        ctx,
        phase.map((o) => o.account_id),
        [],
        connectorAttributes(ctx),
      ),
    );
    return grantsAndRevokes(ctx, phase, found, results);
  }
  const byAccount = new Map<string, Operation[]>();
  for (const op of phase) {
    const k = loginKey(op.account_id);
    byAccount.set(k, [...(byAccount.get(k) ?? []), op]);
  }
  const accounts = [...byAccount.values()];
  const slices: Operation[][][] = [];
  for (let i = 0; i < accounts.length; i += SLICE) slices.push(accounts.slice(i, i + SLICE));
  await Promise.all(slices.map((slice) => runSlice(ctx, slice, managers, results)));
  if (creates.length > 0) await linkLateManagers(ctx, creates, results);
}

/** Looks up a slice's accounts in one search, then runs each account's operations in order. */
async function runSlice(
  ctx: LdapCtx,
  accounts: Operation[][],
  managers: Managers,
  results: Results,
) {
  const ops = accounts.flat();
  let found: Found;
  try {
    found = await withRetry(ctx.retry, () =>
      lookupAccounts(
        ctx,
        ops.map((o) => o.account_id),
        ops.flatMap((o) => (o.kind === 'account.create' && o.identity_id ? [o.identity_id] : [])),
      ),
    );
  } catch (e) {
    // The lookup failed after its retries (server down): every operation of the slice fails.
    for (const op of ops) results.set(op.key, failure(op, e));
    return;
  }
  await Promise.all(
    accounts.map(async (list) => {
      list.sort((a, b) => (ORDER[a.kind] ?? 0) - (ORDER[b.kind] ?? 0));
      for (const [i, op] of list.entries()) {
        try {
          // After a first operation (a move renames) or a failed attempt, read the entry again.
          const done = await withRetry(ctx.retry, (attempt) =>
            attempt === 0 && i === 0
              ? runOne(ctx, op, found, managers)
              : refetchAndRun(ctx, op, managers),
          );
          results.set(op.key, success(op, done));
        } catch (e) {
          results.set(op.key, failure(op, e));
        }
      }
    }),
  );
}

async function refetchAndRun(ctx: LdapCtx, op: Operation, managers: Managers): Promise<Done> {
  const found = await lookupAccounts(
    ctx,
    [op.account_id],
    op.identity_id && op.kind === 'account.create' ? [op.identity_id] : [],
  );
  return runOne(ctx, op, found, managers);
}

async function runOne(
  ctx: LdapCtx,
  op: Operation,
  found: Found,
  managers: Managers,
): Promise<Done> {
  if (op.kind === 'account.create') return createAccount(ctx, op, found, managers);
  const entry = one(found, op.account_id);
  if (!entry) {
    if (op.kind === 'account.disable' || op.kind === 'account.delete')
      return { message: 'account absent: nothing to do' };
    throw new LdapOpError(`account "${op.account_id}" not found under ${ctx.profile.usersBaseDn}`);
  }
  switch (op.kind) {
    case 'account.update':
      return updateAccount(ctx, op, entry, managers);
    case 'account.move':
      return moveAccount(ctx, op, entry);
    case 'account.enable':
      return setEnabled(ctx, entry, true);
    case 'account.disable': {
      const done = await setEnabled(ctx, entry, false);
      if (!ctx.settings.disable.remove_groups || ctx.profile.flavour !== 'openldap') return done;
      const left = await leaveAllGroups(ctx, entry);
      return left > 0 ? { message: `removed from ${left} group(s)` } : done;
    }
    case 'account.delete':
      return deleteAccount(ctx, entry);
    default:
      throw new LdapOpError(`unexpected operation ${op.kind}`);
  }
}

async function grantsAndRevokes(
  ctx: LdapCtx,
  phase: Operation[],
  found: Found,
  results: Results,
): Promise<void> {
  const items = [];
  for (const op of phase) {
    try {
      if (!op.entitlement) throw new LdapOpError(`${op.kind} names no entitlement`);
      const entry = one(found, op.account_id);
      if (entry) items.push({ op, entry });
      else if (op.kind === 'entitlement.revoke')
        results.set(op.key, success(op, { message: 'account absent: nothing to remove' }));
      else
        throw new LdapOpError(
          `account "${op.account_id}" not found under ${ctx.profile.usersBaseDn}`,
        );
    } catch (e) {
      results.set(op.key, failure(op, e));
    }
  }
  await applyMemberships(ctx, items, results);
}

/** Manager employee id -> account DN, for the ids this phase needs. */
async function resolveManagers(ctx: LdapCtx, ids: string[]): Promise<Managers> {
  const managers: Managers = new Map();
  if (ids.length === 0) return managers;
  const found = await withRetry(ctx.retry, () => lookupAccounts(ctx, [], ids));
  for (const [emp, entries] of found.byEmployee)
    if (entries.length === 1) managers.set(emp, entries[0]!.dn);
  return managers;
}

/**
 * A joiner's manager may be created in the same batch: link the ones that were not found before.
 * A link that still cannot be written stays reported as unapplied, so the next plan retries it.
 */
async function linkLateManagers(
  ctx: LdapCtx,
  creates: Operation[],
  results: Results,
): Promise<void> {
  const late = creates.filter((op) => {
    const r = results.get(op.key);
    return r?.outcome === 'success' && r.unapplied?.includes('manager');
  });
  if (late.length === 0) return;
  let managers: Managers;
  try {
    managers = await resolveManagers(
      ctx,
      late.map((o) => o.attributes!.manager!),
    );
  } catch {
    return; // The directory went away: the links stay unapplied and are retried by the next plan.
  }
  await Promise.all(
    late.map(async (op) => {
      const r = results.get(op.key)!;
      const login = r.account_id ?? op.account_id;
      if (!managers.has(op.attributes!.manager!)) return;
      try {
        const found = await withRetry(ctx.retry, () => lookupAccounts(ctx, [login]));
        const entry = one(found, login);
        if (!entry) return;
        await withRetry(ctx.retry, () =>
          updateAccount(
            ctx,
            { ...op, account_id: first(entry, ctx.profile.loginAttr) ?? login },
            entry,
            managers,
          ),
        );
        const rest = (r.message ?? '').split('; ').filter((m) => m && !m.endsWith('link not set'));
        const unapplied = (r.unapplied ?? []).filter((k) => k !== 'manager');
        results.set(
          op.key,
          success(op, {
            ...(rest.length ? { message: rest.join('; ') } : {}),
            ...(r.account_id ? { account_id: r.account_id } : {}),
            unapplied,
          }),
        );
      } catch {
        // The account exists; the link stays unapplied (message and result say so).
      }
    }),
  );
}
