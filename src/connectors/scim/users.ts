/**
 * SCIM Users: create (look up first; a 409 converges), update by PATCH (or PUT), enable/disable
 * through `active`, delete. Every write is preceded by a fresh read and writes only what differs,
 * with If-Match when the server versions its resources.
 * @see https://www.rfc-editor.org/rfc/rfc7644#section-3.5.2
 */
import type { Operation } from '../../domain/types.js';
import { type ScimCtx, USER_ID_TTL_MS } from './context.js';
import { ScimHttpError, ScimOpError } from './errors.js';
import { findByName, USERS } from './lookup.js';
import {
  createBody,
  desiredValues,
  PATCH_SCHEMA,
  patchOps,
  putBody,
  unkept,
  userNameOf,
} from './mapping.js';
import { field, readPath, type ScimPath } from './paths.js';

type Json = Record<string, unknown>;
export type ScimUser = { id: string; userName: string; version: string | null; resource: Json };
/** What an operation did, for its result. */
export type Done = { message?: string; account_id?: string };

export function toUser(resource: unknown): ScimUser {
  const id = field(resource, 'id');
  const userName = field(resource, 'userName');
  if (typeof id !== 'string' || typeof userName !== 'string')
    throw new ScimOpError('the server returned a user without id or userName');
  const version = field(field(resource, 'meta'), 'version');
  return {
    id,
    userName,
    version: typeof version === 'string' ? version : null,
    resource: resource as Json,
  };
}

const remember = (ctx: ScimCtx, u: ScimUser) =>
  ctx.userIds.set(u.userName.toLowerCase(), { id: u.id, at: Date.now() });

/** The user named `userName` as the server holds it now, or undefined. `walk`: list them all. */
export async function findUser(
  ctx: ScimCtx,
  userName: string,
  walk = false,
): Promise<ScimUser | undefined> {
  const found = await findByName(ctx, USERS, userName, { walk });
  if (found.length > 1)
    throw new ScimOpError(`${found.length} users answer to userName "${userName}"`);
  if (found.length === 0) {
    ctx.userIds.delete(userName.toLowerCase());
    return undefined;
  }
  const u = toUser(found[0]);
  remember(ctx, u);
  return u;
}

/**
 * The userName an operation's account id stands for: itself, or what a create of this connector
 * made of it (user_name from an attribute). The engine sends a joiner's grants in the same run
 * with the account id it planned, before the store has learnt the new one.
 */
const nameOf = (ctx: ScimCtx, accountId: string) =>
  ctx.aliases.get(accountId.toLowerCase()) ?? accountId;

/** The SCIM id of an account, from the cache when recent; undefined if there is no such user. */
export async function userIdOf(ctx: ScimCtx, accountId: string): Promise<string | undefined> {
  const userName = nameOf(ctx, accountId);
  const hit = ctx.userIds.get(userName.toLowerCase());
  if (hit && Date.now() - hit.at < USER_ID_TTL_MS) return hit.id;
  return (await findUser(ctx, userName))?.id;
}

/** `prefetched`: the batched lookup's answer (null: no such user); undefined: look it up now. */
export async function createUser(
  ctx: ScimCtx,
  op: Operation,
  prefetched?: Record<string, unknown> | null,
): Promise<Done> {
  const userName = userNameOf(op, ctx.mapping);
  const values = desiredValues(op, ctx.mapping);
  const active = op.enabled !== false;
  let user =
    prefetched === undefined
      ? await findUser(ctx, userName)
      : prefetched === null
        ? undefined
        : toUser(prefetched);
  if (!user) {
    try {
      const res = await ctx.http.send({
        method: 'POST',
        path: '/Users',
        body: createBody(userName, values, active),
      });
      // Some servers answer 201 with less than the resource: the user exists all the same.
      const made = (() => {
        try {
          return toUser(res.body);
        } catch {
          return undefined;
        }
      })();
      if (!made) return named(ctx, op, userName);
      remember(ctx, made);
      const lost = unkept(made.resource, values, active);
      return {
        ...named(ctx, op, made.userName),
        ...(lost.length ? { message: `created; the server did not keep ${lost.join(', ')}` } : {}),
      };
    } catch (e) {
      // Created meanwhile (a concurrent run, or a server whose filter missed it): converge.
      if (!(e instanceof ScimHttpError && e.status === 409)) throw e;
      user = await findUser(ctx, userName, true);
      if (!user) throw new ScimOpError(`${e.message}; yet no user "${userName}" can be found`);
    }
  }
  const owner = ctx.mapping.employeeId && readPath(user.resource, ctx.mapping.employeeId);
  if (owner && op.identity_id && owner !== op.identity_id)
    throw new ScimOpError(
      `userName "${user.userName}" already belongs to another person (employee id ${owner})`,
    );
  const changed = await converge(ctx, user, values, active);
  return {
    message: changed
      ? 'already existed; brought to desired values'
      : 'already existed with the desired values',
    ...named(ctx, op, user.userName),
  };
}

/** The account id to report when the userName is not the one planned, remembered as an alias. */
function named(ctx: ScimCtx, op: Operation, userName: string): Done {
  if (userName === op.account_id) return {};
  ctx.aliases.set(op.account_id.toLowerCase(), userName);
  return { account_id: userName };
}

/** Reads the account an operation names, fresh; throws if absent. */
async function target(ctx: ScimCtx, op: Operation): Promise<ScimUser> {
  const user = await findUser(ctx, nameOf(ctx, op.account_id));
  if (!user) throw new ScimOpError(`account "${op.account_id}" not found (no such userName)`);
  return user;
}

export async function updateUser(ctx: ScimCtx, op: Operation): Promise<Done> {
  const values = desiredValues(op, ctx.mapping);
  const changed = await converge(ctx, await target(ctx, op), values, undefined);
  return changed ? {} : { message: 'already had the desired values' };
}

export async function moveUser(ctx: ScimCtx, op: Operation): Promise<Done> {
  const path = ctx.mapping.container;
  if (!path)
    throw new ScimOpError('this application keeps no container: settings.container is not set');
  const changed = await converge(
    ctx,
    await target(ctx, op),
    [[path, op.container ?? '']],
    undefined,
  );
  return changed ? {} : { message: 'already in that container' };
}

export async function setActive(ctx: ScimCtx, op: Operation, active: boolean): Promise<Done> {
  const user = await findUser(ctx, nameOf(ctx, op.account_id));
  if (!user) {
    if (!active) return { message: 'account absent: nothing to do' };
    throw new ScimOpError(`account "${op.account_id}" not found (no such userName)`);
  }
  const changed = await converge(ctx, user, [], active);
  return changed ? {} : { message: active ? 'already enabled' : 'already disabled' };
}

export async function deleteUser(ctx: ScimCtx, op: Operation): Promise<Done> {
  if (ctx.settings.deprovision === 'disable') {
    const done = await setActive(ctx, op, false);
    const note = 'settings.deprovision is disable: the account is disabled, not deleted';
    return { message: done.message ? `${note} (${done.message})` : note };
  }
  const user = await findUser(ctx, nameOf(ctx, op.account_id));
  if (!user) return { message: 'account absent: nothing to do' };
  try {
    await ctx.http.send({
      method: 'DELETE',
      path: `/Users/${enc(user.id)}`,
      ifMatch: ifMatch(ctx, user),
    });
  } catch (e) {
    if (!(e instanceof ScimHttpError && e.status === 404)) throw e;
  }
  ctx.userIds.delete(user.userName.toLowerCase());
  return {};
}

/** Writes the difference between `user` and the desired values; false if there was none. */
async function converge(
  ctx: ScimCtx,
  user: ScimUser,
  values: [ScimPath, string][],
  active: boolean | undefined,
): Promise<boolean> {
  const path = `/Users/${enc(user.id)}`;
  let answer: unknown;
  if (ctx.settings.quirks.user_update === 'put') {
    const body = putBody(user.resource, values, active);
    if (!body) return false;
    answer = (await ctx.http.send({ method: 'PUT', path, body, ifMatch: ifMatch(ctx, user) })).body;
  } else {
    const ops = patchOps(user.resource, values, active, ctx.mapping);
    if (ops.length === 0) return false;
    answer = (
      await ctx.http.send({
        method: 'PATCH',
        path,
        body: { schemas: [PATCH_SCHEMA], Operations: ops },
        ifMatch: ifMatch(ctx, user),
      })
    ).body;
  }
  // 200 with the resource: check it kept what we sent (a 204 gives nothing to check).
  if (typeof field(answer, 'id') === 'string') {
    const lost = unkept(answer as Record<string, unknown>, values, active);
    if (lost.length)
      throw new ScimOpError(
        `the server accepted the change but did not keep ${lost.join(', ')} (not in its schema?)`,
      );
  }
  return true;
}

export const enc = (id: string) => encodeURIComponent(id);

export const ifMatch = (ctx: ScimCtx, r: { version: string | null }) =>
  ctx.settings.etag ? r.version : null;
