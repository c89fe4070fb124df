/**
 * Entitlements as SCIM Group memberships. A batch's grants and revokes are gathered per group:
 * one read of the group, then one PATCH `members` for all that differ ("already a member" and
 * "not a member" are success without a write). If that PATCH is refused, each member is retried
 * alone, so one bad member does not fail the others.
 * @see https://www.rfc-editor.org/rfc/rfc7644#section-3.5.2
 */
import type { Operation, OperationResult } from '../../domain/types.js';
import { forEachLimit, withRetry } from './concurrency.js';
import type { ScimCtx } from './context.js';
import { describeError, isTransient, ScimAuthError, ScimHttpError, ScimOpError } from './errors.js';
import { filterValue } from './filter.js';
import { findByName, GROUPS } from './lookup.js';
import { PATCH_SCHEMA, type PatchOperation } from './mapping.js';
import { field } from './paths.js';
import { enc, ifMatch } from './users.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** One grant or revoke, with the member's SCIM id. */
export type MemberItem = { op: Operation; userId: string };
type Results = Map<string, OperationResult>;

const ok = (op: Operation, message?: string): OperationResult => ({
  key: op.key,
  outcome: 'success',
  ...(message ? { message } : {}),
});
const fail = (op: Operation, e: unknown): OperationResult => ({
  key: op.key,
  outcome: 'failure',
  message: describeError(e),
});

/** The displayName an entitlement's group has, or its pinned id. */
export function groupSpec(
  ctx: ScimCtx,
  entitlement: string,
): { displayName: string } | { id: string } {
  const ref = ctx.settings.groups[entitlement];
  if (ref === undefined) return { displayName: entitlement };
  return typeof ref === 'string' ? { displayName: ref } : { id: ref.id };
}

/** The group's SCIM id; creates it (if allowed and `create`) when missing. */
async function resolveGroup(
  ctx: ScimCtx,
  ent: string,
  create: boolean,
): Promise<string | undefined> {
  const cached = ctx.groupIds.get(ent);
  if (cached) return cached;
  const spec = groupSpec(ctx, ent);
  if ('id' in spec) return spec.id;
  const find = async (walk = false) => {
    const found = await findByName(ctx, GROUPS, spec.displayName, {
      extra: { excludedAttributes: 'members' },
      walk,
    });
    if (found.length > 1)
      throw new ScimOpError(`${found.length} groups are named "${spec.displayName}"`);
    const id = field(found[0], 'id');
    return typeof id === 'string' ? id : undefined;
  };
  let id = await find();
  if (!id && create && ctx.settings.create_groups) {
    try {
      const res = await ctx.http.send({
        method: 'POST',
        path: '/Groups',
        body: { schemas: [GROUP_SCHEMA], displayName: spec.displayName },
      });
      const made = field(res.body, 'id');
      id = typeof made === 'string' ? made : await find();
    } catch (e) {
      if (!(e instanceof ScimHttpError && e.status === 409)) throw e;
      id = await find(true); // created meanwhile, or named in another case
    }
  }
  if (id) ctx.groupIds.set(ent, id);
  return id;
}

export async function applyMemberships(
  ctx: ScimCtx,
  items: MemberItem[],
  results: Results,
): Promise<void> {
  const byGroup = new Map<string, MemberItem[]>();
  for (const item of items) {
    const ent = item.op.entitlement!;
    byGroup.set(ent, [...(byGroup.get(ent) ?? []), item]);
  }
  await forEachLimit([...byGroup], ctx.settings.concurrency, async ([ent, list]) => {
    try {
      await withRetry(ctx.retry, () => applyGroup(ctx, ent, list, results));
    } catch (e) {
      for (const { op } of list) if (!results.has(op.key)) results.set(op.key, fail(op, e));
    }
  });
}

async function applyGroup(ctx: ScimCtx, ent: string, list: MemberItem[], results: Results) {
  if (ctx.settings.read_groups === 'mapped' && !(ent in ctx.settings.groups)) {
    // read() would never report it: every run would grant it again.
    const e = new ScimOpError(
      `entitlement "${ent}" is not in settings.groups (read_groups: mapped)`,
    );
    for (const { op } of list)
      if (op.kind === 'entitlement.grant' && !results.has(op.key)) results.set(op.key, fail(op, e));
  }
  const pending = list.filter((i) => !results.has(i.op.key));
  const grants = pending.filter((i) => i.op.kind === 'entitlement.grant');
  let id: string | undefined;
  let group: unknown;
  for (let attempt = 0; !group; attempt++) {
    id = await resolveGroup(ctx, ent, grants.length > 0);
    if (!id) return absentGroup(ctx, ent, pending, results);
    try {
      group = (await ctx.http.send({ method: 'GET', path: `/Groups/${enc(id)}` })).body;
      if (!group || typeof group !== 'object') throw new ScimOpError(`GET /Groups/${id}: no group`);
    } catch (e) {
      if (!(e instanceof ScimHttpError && e.status === 404)) throw e;
      // Deleted behind our back: forget the id and find (or create) the group once more.
      ctx.groupIds.delete(ent);
      if (attempt > 0) return absentGroup(ctx, ent, pending, results, e);
    }
  }
  const raw = field(group, 'members');
  // A server that does not return members cannot tell us who is in: send every change.
  const known = Array.isArray(raw);
  const members = new Set(
    (known ? raw : [])
      .map((m) => field(m, 'value'))
      .filter((v): v is string => typeof v === 'string'),
  );
  const adds = new Map<string, MemberItem[]>();
  const removes = new Map<string, MemberItem[]>();
  for (const item of pending) {
    const { op, userId } = item;
    if (op.kind === 'entitlement.grant') {
      if (known && members.has(userId)) results.set(op.key, ok(op, 'already a member'));
      else adds.set(userId, [...(adds.get(userId) ?? []), item]);
    } else if (known && !members.has(userId)) results.set(op.key, ok(op, 'not a member'));
    else removes.set(userId, [...(removes.get(userId) ?? []), item]);
  }
  if (adds.size + removes.size === 0) return;
  const version = field(field(group, 'meta'), 'version');
  const patch = (a: string[], r: string[], withVersion: boolean) =>
    ctx.http.send({
      method: 'PATCH',
      path: `/Groups/${enc(id!)}`,
      body: { schemas: [PATCH_SCHEMA], Operations: memberOps(ctx, a, r) },
      ifMatch: withVersion
        ? ifMatch(ctx, { version: typeof version === 'string' ? version : null })
        : null,
    });
  const settle = (m: Map<string, MemberItem[]>, result: (i: MemberItem) => OperationResult) => {
    for (const items of m.values()) for (const i of items) results.set(i.op.key, result(i));
  };
  try {
    const answer = (await patch([...adds.keys()], [...removes.keys()], true)).body;
    // 200 with the members: check the server did what was asked (some ignore what they cannot do).
    const after = field(answer, 'members');
    const now = Array.isArray(after) ? new Set(after.map((m) => field(m, 'value'))) : undefined;
    const ignored = (what: string) =>
      new ScimOpError(`the server accepted the PATCH but did not ${what} the member`);
    settle(adds, (i) => (now && !now.has(i.userId) ? fail(i.op, ignored('add')) : ok(i.op)));
    settle(removes, (i) => (now?.has(i.userId) ? fail(i.op, ignored('remove')) : ok(i.op)));
    return;
  } catch (e) {
    if (isTransient(e) || e instanceof ScimAuthError || adds.size + removes.size === 1) throw e;
  }
  // One change per request: commutative, so no If-Match (each write would change the version).
  const one = async (userId: string, add: boolean) => {
    const m = add ? adds : removes;
    const only = new Map([[userId, m.get(userId)!]]);
    try {
      await withRetry(ctx.retry, () => patch(add ? [userId] : [], add ? [] : [userId], false));
      settle(only, (i) => ok(i.op));
    } catch (e) {
      const gone = !add && e instanceof ScimHttpError && e.scimType === 'noTarget';
      settle(only, (i) => (gone ? ok(i.op, 'not a member') : fail(i.op, e)));
    }
  };
  const singles: [string, boolean][] = [
    ...[...adds.keys()].map((u): [string, boolean] => [u, true]),
    ...[...removes.keys()].map((u): [string, boolean] => [u, false]),
  ];
  await forEachLimit(singles, ctx.settings.concurrency, ([u, add]) => one(u, add));
}

/** No such group: revokes have nothing to do; grants fail, saying why. */
function absentGroup(
  ctx: ScimCtx,
  ent: string,
  pending: MemberItem[],
  results: Results,
  why?: unknown,
) {
  const spec = groupSpec(ctx, ent);
  const name = 'id' in spec ? `with id ${spec.id}` : `"${spec.displayName}"`;
  const error = why ?? new ScimOpError(`no group ${name} (create_groups is off)`);
  for (const { op } of pending) {
    if (op.kind === 'entitlement.revoke')
      results.set(op.key, ok(op, 'group absent: nothing to remove'));
    else results.set(op.key, fail(op, error));
  }
}

function memberOps(ctx: ScimCtx, adds: string[], removes: string[]): PatchOperation[] {
  const ops: PatchOperation[] = [];
  if (adds.length)
    ops.push({ op: 'add', path: 'members', value: adds.map((value) => ({ value })) });
  if (removes.length === 0) return ops;
  if (ctx.settings.quirks.members_remove === 'value')
    ops.push({ op: 'remove', path: 'members', value: removes.map((value) => ({ value })) });
  else
    for (const v of removes)
      ops.push({ op: 'remove', path: `members[value eq ${filterValue(v)}]` });
  return ops;
}
