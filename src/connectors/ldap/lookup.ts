/**
 * Finds accounts by login and by employee id in few searches: one OR-filter per chunk of names,
 * every value filter-escaped, run in parallel over the pool.
 */

import type { LdapCtx } from './context.js';
import { LdapOpError } from './errors.js';
import { eqFilter } from './escape.js';
import { type Entry, first } from './pool.js';

/** Terms per OR filter: one round trip per batch, the filter still small (~20 KB). */
const CHUNK = 500;

export type Found = {
  byLogin: Map<string, Entry[]>;
  byEmployee: Map<string, Entry[]>;
};

/** Attributes the connector itself needs besides the user attributes (some are operational). */
export function connectorAttributes(ctx: LdapCtx): string[] {
  const lock = ctx.settings.disable.lock_attribute;
  return [
    'memberOf',
    ctx.profile.loginAttr,
    ctx.profile.employeeAttr,
    ctx.profile.stateAttr,
    ...(ctx.profile.flavour === 'ad' ? ['userAccountControl'] : lock ? [lock] : []),
  ];
}

/** Attributes every account lookup asks for: all user attributes plus the connector's own. */
export const accountAttributes = (ctx: LdapCtx): string[] => ['*', ...connectorAttributes(ctx)];

export const loginKey = (login: string) => login.normalize('NFC').toLowerCase();

export async function lookupAccounts(
  ctx: LdapCtx,
  logins: Iterable<string>,
  employeeIds: Iterable<string> = [],
  attributes: string[] = accountAttributes(ctx),
): Promise<Found> {
  const p = ctx.profile;
  const terms = [
    ...[...new Set(logins)].map((l) => eqFilter(p.loginAttr, l)),
    ...[...new Set(employeeIds)].map((e) => eqFilter(p.employeeAttr, e)),
  ];
  const chunks: string[][] = [];
  for (let i = 0; i < terms.length; i += CHUNK) chunks.push(terms.slice(i, i + CHUNK));
  const results = await Promise.all(
    chunks.map((c) =>
      ctx.pool.search(p.usersBaseDn, {
        filter: `(&${p.userFilter}(|${c.join('')}))`,
        attributes,
      }),
    ),
  );
  const found: Found = { byLogin: new Map(), byEmployee: new Map() };
  const seen = new Set<string>();
  for (const entry of results.flat()) {
    if (seen.has(entry.dn)) continue;
    seen.add(entry.dn);
    const login = first(entry, p.loginAttr);
    if (login !== undefined) push(found.byLogin, loginKey(login), entry);
    const emp = first(entry, p.employeeAttr);
    if (emp !== undefined) push(found.byEmployee, emp, entry);
  }
  return found;
}

const push = (m: Map<string, Entry[]>, k: string, e: Entry) => {
  const list = m.get(k);
  if (list) list.push(e);
  else m.set(k, [e]);
};

/** Exactly one account by login; undefined when absent; throws when the name is ambiguous. */
export function one(found: Found, login: string): Entry | undefined {
  const list = found.byLogin.get(loginKey(login)) ?? [];
  if (list.length > 1)
    throw new LdapOpError(
      `${list.length} entries have this login: ${list.map((e) => e.dn).join('; ')}`,
    );
  return list[0];
}
