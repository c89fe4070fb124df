/**
 * Group membership: entitlement ids map to group DNs; grants and revokes of a batch are gathered
 * per group into one modify each (a 10,000-member group is rewritten once per batch, not once per
 * member). "Already a member" / "not a member" count as success. A failing group write falls back
 * to one modify per member, so one bad member never fails the others.
 */
import { Attribute, Change } from 'ldapts';
import { formatDn, normalizeDn, parseDn, relativeRdns } from '../../domain/dn.js';
import type { Operation, OperationResult } from '../../domain/types.js';
import type { LdapCtx } from './context.js';
import { describeError, isCode, isTransient, RC } from './errors.js';
import { escapeFilterValue } from './escape.js';
import type { Entry } from './pool.js';
import { withRetry } from './retry.js';

/** The group DN of an entitlement: settings.groups, else `cn=<id>,<groups_base>`. */
export function groupDn(ctx: LdapCtx, entitlement: string): string {
  const mapped = ctx.settings.groups[entitlement];
  return mapped !== undefined
    ? formatDn(parseDn(mapped))
    : formatDn([[{ type: 'cn', value: entitlement }], ...ctx.profile.groupsBase]);
}

/** Reverse of groupDn: normalized group DN -> entitlement id; undefined for unmanaged groups. */
export function entitlementOf(ctx: LdapCtx): (dn: string) => string | undefined {
  const mapped = new Map(
    Object.entries(ctx.settings.groups).map(([id, dn]) => [normalizeDn(dn), id]),
  );
  return (dn) => {
    let parsed: ReturnType<typeof parseDn>;
    try {
      parsed = parseDn(dn);
    } catch {
      return undefined;
    }
    const hit = mapped.get(normalizeDn(parsed));
    if (hit !== undefined) return hit;
    const rel = relativeRdns(parsed, ctx.profile.groupsBase);
    const rdn = rel?.length === 1 ? rel[0] : undefined;
    return rdn?.length === 1 && rdn[0]!.type.toLowerCase() === 'cn' ? rdn[0]!.value : undefined;
  };
}

const useMemberOf = (ctx: LdapCtx) => ctx.profile.flavour === 'ad' || ctx.settings.use_memberof;

/** Group DNs (normalized) the account is in: memberOf, or a search of groups_base. */
export async function membershipsOf(ctx: LdapCtx, entry: Entry): Promise<string[]> {
  if (useMemberOf(ctx)) return entry.attrs.get('memberof') ?? [];
  const groups = await ctx.pool.search(ctx.profile.groupsBaseDn, {
    filter: `(member=${escapeFilterValue(entry.dn)})`,
    attributes: ['1.1'],
  });
  return groups.map((g) => g.dn);
}

async function isMember(ctx: LdapCtx, group: string, entry: Entry): Promise<boolean | undefined> {
  if (useMemberOf(ctx)) {
    const key = normalizeDn(group);
    return (entry.attrs.get('memberof') ?? []).some((m) => normalizeDn(m) === key);
  }
  try {
    return await ctx.pool.compare(group, 'member', entry.dn);
  } catch (e) {
    if (isCode(e, RC.noSuchObject)) return undefined; // no such group yet
    throw e;
  }
}

type Item = { op: Operation; entry: Entry };
type Results = Map<string, OperationResult>;

const ok = (r: Results, op: Operation, message?: string) =>
  r.set(op.key, { key: op.key, outcome: 'success', ...(message ? { message } : {}) });
const fail = (r: Results, op: Operation, e: unknown) =>
  r.set(op.key, { key: op.key, outcome: 'failure', message: describeError(e) });

/** Applies grants and revokes whose accounts are resolved; sets one result per operation. */
export async function applyMemberships(
  ctx: LdapCtx,
  items: Item[],
  results: Results,
): Promise<void> {
  const byGroup = new Map<string, { dn: string; add: Item[]; remove: Item[] }>();
  await Promise.all(
    items.map(async (it) => {
      const dn = groupDn(ctx, it.op.entitlement ?? '');
      const member = await isMember(ctx, dn, it.entry);
      const grant = it.op.kind === 'entitlement.grant';
      if (grant && member) return ok(results, it.op, 'already a member');
      if (!grant && !member)
        return ok(results, it.op, member === undefined ? 'group absent' : 'not a member');
      const key = normalizeDn(dn);
      let g = byGroup.get(key);
      if (!g) byGroup.set(key, (g = { dn, add: [], remove: [] }));
      (grant ? g.add : g.remove).push(it);
    }),
  );
  await Promise.all(
    [...byGroup.values()].map(async (g) => {
      if (g.add.length) await write(ctx, g.dn, 'add', g.add, results);
      if (g.remove.length) await write(ctx, g.dn, 'delete', g.remove, results);
    }),
  );
}

/** Adds or removes one account everywhere (disable with remove_groups). */
export async function leaveAllGroups(ctx: LdapCtx, entry: Entry): Promise<number> {
  const groups = await membershipsOf(ctx, entry);
  const placeholder = ctx.settings.placeholder_member;
  await Promise.all(groups.map((g) => removeMembers(ctx, g, [entry.dn], placeholder)));
  return groups.length;
}

const memberChange = (operation: 'add' | 'delete', dns: string[]) =>
  new Change({ operation, modification: new Attribute({ type: 'member', values: dns }) });

async function removeMembers(ctx: LdapCtx, group: string, dns: string[], placeholder: string) {
  try {
    await ctx.pool.modify(group, [memberChange('delete', dns)]);
  } catch (e) {
    // groupOfNames must keep one member: the placeholder takes the last one's place.
    if (!isCode(e, RC.objectClassViolation) || ctx.profile.flavour !== 'openldap') throw e;
    await ctx.pool.modify(group, [memberChange('delete', dns), memberChange('add', [placeholder])]);
  }
}

async function createGroup(ctx: LdapCtx, dn: string, members: string[]): Promise<void> {
  const cn = parseDn(dn)[0]?.[0]?.value ?? '';
  const ad = ctx.profile.flavour === 'ad';
  // AD: no sAMAccountName, so the directory generates a domain-unique one (cn need not be).
  await ctx.pool.add(dn, [
    new Attribute({ type: 'objectClass', values: ctx.profile.groupClasses }),
    new Attribute({ type: 'cn', values: [cn] }),
    // groupOfNames needs a member from the start; the placeholder stays so it never empties.
    new Attribute({
      type: 'member',
      values: ad ? members : [ctx.settings.placeholder_member, ...members],
    }),
  ]);
}

const alreadyDone = (op: 'add' | 'delete', e: unknown) =>
  op === 'add'
    ? isCode(e, RC.typeOrValueExists) || isCode(e, RC.entryAlreadyExists)
    : isCode(e, RC.noSuchAttribute) || isCode(e, RC.unwillingToPerform);

async function write(
  ctx: LdapCtx,
  group: string,
  op: 'add' | 'delete',
  items: Item[],
  results: Results,
) {
  const dns = items.map((i) => i.entry.dn);
  try {
    await withRetry(ctx.retry, () => writeOnce(ctx, group, op, dns));
    for (const it of items) ok(results, it.op);
    return;
  } catch (e) {
    if (items.length === 1 || isTransient(e)) {
      for (const it of items)
        alreadyDone(op, e)
          ? ok(results, it.op, op === 'add' ? 'already a member' : 'not a member')
          : fail(results, it.op, e);
      return;
    }
  }
  // One member at a time, to tell which one the group refused.
  await Promise.all(items.map((it) => write(ctx, group, op, [it], results)));
}

async function writeOnce(ctx: LdapCtx, group: string, op: 'add' | 'delete', dns: string[]) {
  if (op === 'delete') {
    try {
      return await removeMembers(ctx, group, dns, ctx.settings.placeholder_member);
    } catch (e) {
      if (isCode(e, RC.noSuchObject) && dns.length === 1) return; // group gone: nothing to remove
      throw e;
    }
  }
  try {
    await ctx.pool.modify(group, [memberChange('add', dns)]);
  } catch (e) {
    if (!isCode(e, RC.noSuchObject) || !ctx.settings.create_groups) throw e;
    try {
      await createGroup(ctx, group, dns);
    } catch (e2) {
      if (!isCode(e2, RC.entryAlreadyExists)) throw e2;
      await ctx.pool.modify(group, [memberChange('add', dns)]); // created meanwhile
    }
  }
}
