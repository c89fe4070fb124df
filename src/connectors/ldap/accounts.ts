/**
 * Account operations on one entry: create (with login collision handling), update, move, enable,
 * disable, delete. Each reads the current state first and writes only the difference, so
 * re-applying an operation writes nothing.
 */

import { formatDn, normalizeDn, parseDn, rdnString } from '../../domain/dn.js';
import type { Operation } from '../../domain/types.js';
import {
  addAttributes,
  collisionCandidate,
  type Desired,
  desiredAttributes,
  diffChanges,
  loginProblem,
} from './attributes.js';
import {
  containerParent,
  ensureKnown,
  inDisabledContainer,
  parentOf,
  readState,
  stateChange,
  withContainer,
} from './containers.js';
import type { LdapCtx } from './context.js';
import { isCode, LdapOpError, RC } from './errors.js';
import { eqFilter, escapeFilterValue } from './escape.js';
import { flavourOf } from './flavour-of.js';
import { type Found, loginKey, lookupAccounts, one } from './lookup.js';
import { type Entry, first } from './pool.js';

/** `unapplied`: attribute keys not written (a manager not in the directory yet). */
export type Done = { message?: string; account_id?: string; unapplied?: string[] };
const UNLINKED: Pick<Done, 'unapplied'> = { unapplied: ['manager'] };
/** Manager employee id -> DN, resolved once per batch. */
export type Managers = Map<string, string>;

const desiredFor = (ctx: LdapCtx, op: Operation, create: boolean) =>
  desiredAttributes(op, ctx.profile, {
    create,
    ...(ctx.settings.upn_suffix ? { upnSuffix: ctx.settings.upn_suffix } : {}),
  });

/** Puts the resolved manager DN into the values; returns a note when it could not be found. */
function withManager(d: Desired, managers: Managers): string | undefined {
  if (d.manager === undefined) return undefined;
  if (d.manager === null) {
    d.values.set('manager', { name: 'manager', values: [] });
    return undefined;
  }
  const dn = managers.get(d.manager);
  if (dn === undefined) return `manager ${d.manager} not found in the directory: link not set`;
  d.values.set('manager', { name: 'manager', values: [dn] });
  return undefined;
}

/** The account a create should converge instead of adding: same person, or same login with no other owner. */
function existingFor(ctx: LdapCtx, op: Operation, found: Found): { entry?: Entry; taken: boolean } {
  const emp = op.identity_id;
  const byEmp = emp ? (found.byEmployee.get(emp) ?? []) : [];
  if (byEmp.length > 1)
    throw new LdapOpError(
      `${byEmp.length} accounts carry ${ctx.profile.employeeAttr}=${emp}: ${byEmp.map((e) => e.dn).join('; ')}`,
    );
  if (byEmp[0]) return { entry: byEmp[0], taken: false };
  const byLogin = one(found, op.account_id);
  if (!byLogin) return { taken: false };
  const owner = first(byLogin, ctx.profile.employeeAttr);
  return owner && emp && owner !== emp ? { taken: true } : { entry: byLogin, taken: false };
}

/** The lowest free jdoe2, jdoe3, ... (one substring search finds the taken ones). */
async function freeLogin(ctx: LdapCtx, login: string): Promise<string> {
  const p = ctx.profile;
  const stem = collisionCandidate(login, 10, p).slice(0, -2);
  const taken = new Set(
    (
      await ctx.pool.search(p.usersBaseDn, {
        filter: `(&${p.userFilter}(${p.loginAttr}=${escapeFilterValue(stem)}*))`,
        attributes: [p.loginAttr],
      })
    ).map((e) => loginKey(first(e, p.loginAttr) ?? '')),
  );
  for (let n = 2; n < 10_000; n++) {
    const candidate = collisionCandidate(login, n, p);
    if (taken.has(loginKey(candidate))) continue;
    if (p.flavour === 'ad' && (await loginInDomain(ctx, candidate))) continue;
    return candidate;
  }
  throw new LdapOpError(`no free login found for "${login}"`);
}

async function loginInDomain(ctx: LdapCtx, login: string): Promise<boolean> {
  const base = ctx.profile.usersBase.filter((rdn) => rdn[0]?.type.toLowerCase() === 'dc');
  const hits = await ctx.pool.search(formatDn(base), {
    filter: eqFilter('sAMAccountName', login),
    attributes: ['1.1'],
  });
  return hits.length > 0;
}

export async function createAccount(
  ctx: LdapCtx,
  op: Operation,
  found: Found,
  managers: Managers,
): Promise<Done> {
  const problem = loginProblem(op.account_id, ctx.profile);
  if (problem) throw new LdapOpError(`login "${op.account_id}" ${problem}`);
  const { entry, taken } = existingFor(ctx, op, found);
  if (entry) {
    const done = await converge(ctx, op, entry, managers);
    const login = first(entry, ctx.profile.loginAttr) ?? op.account_id;
    return {
      ...(login !== op.account_id ? { account_id: login } : {}),
      ...(done.unapplied ? { unapplied: done.unapplied } : {}),
      message: ['already existed; brought to desired values', done.message]
        .filter(Boolean)
        .join('; '),
    };
  }
  // AD logins are unique in the whole domain, not only under users_base.
  const clash =
    taken || (ctx.profile.flavour === 'ad' && (await loginInDomain(ctx, op.account_id)));
  return createAs(ctx, op, clash ? await freeLogin(ctx, op.account_id) : op.account_id, managers);
}

async function createAs(
  ctx: LdapCtx,
  op: Operation,
  login: string,
  managers: Managers,
  depth = 0,
): Promise<Done> {
  const prof = ctx.profile;
  const d = desiredFor(ctx, { ...op, account_id: login }, true);
  const note = withManager(d, managers);
  const parent = containerParent(ctx, op.container);
  const rdnValue = prof.rdnAttr === prof.loginAttr ? login : (d.rdnValue ?? login);
  const fixed: Record<string, string[]> = {
    objectClass: prof.userClasses,
    [prof.loginAttr]: [login],
  };
  if (prof.rdnAttr !== prof.loginAttr) fixed[prof.rdnAttr] = [rdnValue];
  const attrs = addAttributes(fixed, d.values);
  const enabled = op.enabled !== false;
  const flavour = flavourOf(ctx);
  let dn = formatDn([[{ type: prof.rdnAttr, value: rdnValue }], ...parent]);
  try {
    await withContainer(ctx, parent, () => flavour.create(ctx, dn, attrs, enabled));
  } catch (e) {
    if (!isCode(e, RC.entryAlreadyExists)) throw e;
    // Our own earlier attempt (a lost reply, a retry) or, in AD, another account with this cn.
    const again = await lookupAccounts(ctx, [login], op.identity_id ? [op.identity_id] : []);
    const { entry: mine, taken } = existingFor(ctx, { ...op, account_id: login }, again);
    // Another create of this batch took the login first: take the next free one.
    if (taken && depth < 3)
      return createAs(ctx, op, await freeLogin(ctx, op.account_id), managers, depth + 1);
    if (mine)
      return {
        ...(await converge(ctx, op, mine, managers)),
        ...(login !== op.account_id ? { account_id: login } : {}),
      };
    if (prof.rdnAttr === prof.loginAttr) throw e;
    dn = formatDn([[{ type: prof.rdnAttr, value: `${rdnValue} (${login})` }], ...parent]);
    const renamed = addAttributes(
      { ...fixed, [prof.rdnAttr]: [`${rdnValue} (${login})`] },
      d.values,
    );
    await flavour.create(ctx, dn, renamed, enabled);
  }
  const notes = [
    login !== op.account_id
      ? `login "${op.account_id}" belongs to another person; created "${login}"`
      : undefined,
    note,
  ].filter(Boolean);
  return {
    ...(login !== op.account_id ? { account_id: login } : {}),
    ...(notes.length ? { message: notes.join('; ') } : {}),
    ...(note ? UNLINKED : {}),
  };
}

/** Brings an existing account to what a create asked: enabled state, container, attributes. */
async function converge(
  ctx: LdapCtx,
  op: Operation,
  entry: Entry,
  managers: Managers,
): Promise<Done> {
  const flavour = flavourOf(ctx);
  const enabled = op.enabled !== false;
  let current = entry;
  if (flavour.isEnabled(ctx, current) !== enabled) {
    await flavour.setEnabled(ctx, current, enabled);
    current = await reread(ctx, current);
  }
  if (op.container !== undefined) current = await place(ctx, current, op.container);
  return updateEntry(
    ctx,
    { ...op, account_id: first(current, ctx.profile.loginAttr) ?? op.account_id },
    current,
    managers,
  );
}

export async function reread(ctx: LdapCtx, entry: Entry): Promise<Entry> {
  const login = first(entry, ctx.profile.loginAttr);
  const found = login !== undefined ? one(await lookupAccounts(ctx, [login]), login) : undefined;
  if (!found) throw new LdapOpError(`account ${entry.dn} vanished while being changed`);
  return found;
}

/** Moves the entry under the container (or, if parked as disabled, changes where it returns to). */
async function place(ctx: LdapCtx, entry: Entry, container: string | null): Promise<Entry> {
  const target = containerParent(ctx, container);
  if (inDisabledContainer(ctx, entry)) {
    const rel = container ?? '';
    const note =
      readState(ctx, entry, 'container') === rel
        ? undefined
        : stateChange(ctx, entry, 'container', rel);
    if (note) await ctx.pool.modify(entry.dn, [note]);
    return note ? reread(ctx, entry) : entry;
  }
  if (normalizeDn(parentOf(entry)) === normalizeDn(target)) return entry;
  await ensureKnown(ctx, target);
  const newDn = `${formatDn(parseDn(entry.dn).slice(0, 1))},${formatDn(target)}`;
  await withContainer(ctx, target, () => ctx.pool.modifyDN(entry.dn, newDn));
  return { ...entry, dn: newDn };
}

export async function moveAccount(ctx: LdapCtx, op: Operation, entry: Entry): Promise<Done> {
  const moved = await place(ctx, entry, op.container ?? null);
  return moved === entry ? { message: 'already in that container' } : {};
}

export async function updateAccount(
  ctx: LdapCtx,
  op: Operation,
  entry: Entry,
  managers: Managers,
): Promise<Done> {
  return updateEntry(ctx, op, entry, managers);
}

async function updateEntry(
  ctx: LdapCtx,
  op: Operation,
  entry: Entry,
  managers: Managers,
): Promise<Done> {
  const prof = ctx.profile;
  const d = desiredFor(ctx, op, false);
  const note = withManager(d, managers);
  let dn = entry.dn;
  if (d.rdnValue !== undefined && prof.rdnAttr !== prof.loginAttr) {
    const current = parseDn(entry.dn)[0]?.[0]?.value ?? '';
    const login = first(entry, prof.loginAttr) ?? op.account_id;
    // "Jane Doe (jdoe2)" is how a cn collision was resolved: it still counts as "Jane Doe".
    if (current !== d.rdnValue && current !== `${d.rdnValue} (${login})`) {
      dn = `${rdnString(prof.rdnAttr, d.rdnValue)},${formatDn(parentOf(entry))}`;
      await ctx.pool.modifyDN(entry.dn, dn);
    }
  }
  const changes = diffChanges(entry, d.values);
  await ctx.pool.modify(dn, changes);
  return note ? { message: note, ...UNLINKED } : {};
}

export async function setEnabled(ctx: LdapCtx, entry: Entry, enabled: boolean): Promise<Done> {
  const wrote = await flavourOf(ctx).setEnabled(ctx, entry, enabled);
  return wrote ? {} : { message: enabled ? 'already enabled' : 'already disabled' };
}
