/**
 * read(): every account under users_base as an AccountRecord for reconciliation — paged search,
 * memberships as entitlement ids, the manager link as the manager's employee id, the container
 * relative to users_base, and AD's accountExpires back as an ISO end date.
 */
import { normalizeDn } from '../../domain/dn.js';
import type { AccountRecord, ReadOptions } from '../contract.js';
import { containerOf, isStateNote } from './containers.js';
import type { LdapCtx } from './context.js';
import { ATTRIBUTE_NAME } from './escape.js';
import { fileTimeToEndDate } from './filetime.js';
import { flavourOf } from './flavour-of.js';
import { entitlementOf } from './groups.js';
import { accountAttributes, connectorAttributes } from './lookup.js';
import { type Entry, first } from './pool.js';

/** What AD returns for `*` that is bookkeeping, not something a policy manages. */
const AD_DEFAULT = [
  'cn',
  'sn',
  'givenName',
  'initials',
  'displayName',
  'description',
  'mail',
  'title',
  'department',
  'company',
  'division',
  'employeeType',
  'physicalDeliveryOfficeName',
  'l',
  'st',
  'c',
  'co',
  'streetAddress',
  'postalCode',
  'telephoneNumber',
  'mobile',
  'userPrincipalName',
  'manager',
  'accountExpires',
  'info',
];
const ALWAYS_HIDDEN = [
  'objectclass',
  'memberof',
  'userpassword',
  'unicodepwd',
  'structuralobjectclass',
];

export async function* readAccounts(
  ctx: LdapCtx,
  opts: ReadOptions = {},
): AsyncIterable<AccountRecord> {
  const p = ctx.profile;
  const s = ctx.settings;
  const flavour = flavourOf(ctx);
  const entitlement = entitlementOf(ctx);
  const subset = s.read_attributes ?? (p.flavour === 'ad' ? AD_DEFAULT : undefined);
  // A subset also covers what the policies manage: else those read back absent, and every plan
  // after a reconcile proposes them again.
  const wanted = subset && [...subset, ...managedNames(opts.attributes ?? [])];
  const hidden = new Set([
    ...ALWAYS_HIDDEN,
    p.loginAttr.toLowerCase(),
    p.employeeAttr.toLowerCase(),
    ...(p.flavour === 'openldap' && s.disable.lock_attribute
      ? [s.disable.lock_attribute.toLowerCase()]
      : []),
    ...(p.flavour === 'ad' ? ['useraccountcontrol'] : []),
  ]);
  const names = wanted ? spellings(wanted) : undefined;
  const groupsOf = await membershipIndex(ctx);
  // Managers are other accounts: map DN -> employee id once everything has been seen.
  const employeeByDn = new Map<string, string>();
  const pending: { record: AccountRecord; manager?: string }[] = [];
  const attributes = wanted
    ? [...new Set([...wanted, ...connectorAttributes(ctx)])]
    : accountAttributes(ctx);
  for await (const page of ctx.pool.pages(p.usersBaseDn, { filter: p.userFilter, attributes })) {
    for (const e of page) {
      const login = first(e, p.loginAttr);
      if (login === undefined) continue;
      const emp = first(e, p.employeeAttr) ?? null;
      if (emp !== null) employeeByDn.set(normalizeDn(e.dn), emp);
      const record: AccountRecord = {
        account_id: login,
        attributes: withoutCollisionSuffix(attributesOf(ctx, e, hidden, names), p, login),
        container: containerOf(ctx, e),
        enabled: flavour.isEnabled(ctx, e),
        entitlements: entitlementsOf(e, groupsOf, entitlement),
        employee_id: emp,
      };
      pending.push({
        record,
        ...(e.attrs.has('manager') ? { manager: first(e, 'manager')! } : {}),
      });
    }
  }
  for (const { record, manager } of pending) {
    if (manager !== undefined)
      record.attributes.manager = employeeByDn.get(normalizeDn(manager)) ?? manager;
    yield record;
  }
}

/**
 * ad: "Jane Doe (jdoe2)" is how a `cn` taken in the OU was resolved, and updates treat it as the
 * wanted "Jane Doe": read it back as that, or every plan after a reconcile proposes it again.
 */
function withoutCollisionSuffix(
  attrs: Record<string, string>,
  p: LdapCtx['profile'],
  login: string,
): Record<string, string> {
  if (p.rdnAttr === p.loginAttr) return attrs;
  const key = Object.keys(attrs).find((k) => k.toLowerCase() === p.rdnAttr.toLowerCase());
  const suffix = ` (${login})`;
  if (key !== undefined && attrs[key]!.endsWith(suffix) && attrs[key]!.length > suffix.length)
    attrs[key] = attrs[key]!.slice(0, -suffix.length);
  return attrs;
}

/** Policy attribute names as LDAP attributes (`account_expires` is accountExpires, in every subset). */
const managedNames = (names: readonly string[]) =>
  names.filter((n) => n !== 'account_expires' && ATTRIBUTE_NAME.test(n));

/** Lower-cased name -> name as returned; the first spelling wins (the directory's, before a policy's). */
function spellings(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of names) if (!out.has(n.toLowerCase())) out.set(n.toLowerCase(), n);
  return out;
}

function attributesOf(
  ctx: LdapCtx,
  e: Entry,
  hidden: Set<string>,
  names?: Map<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [lower, values] of e.attrs) {
    if (hidden.has(lower) || lower === 'manager') continue;
    const name = names ? names.get(lower) : lower;
    if (name === undefined) continue;
    let vs = values;
    if (lower === ctx.profile.stateAttr.toLowerCase()) vs = values.filter((v) => !isStateNote(v));
    if (vs.length === 0) continue;
    if (lower === 'accountexpires') {
      const date = fileTimeToEndDate(vs[0]!);
      if (date) out.account_expires = date;
      continue;
    }
    out[names ? name : canonical(lower)] = vs.join('\n');
  }
  return out;
}

/** Attribute names as policies usually write them (the server may answer in any case). */
const CANON = new Map(
  [
    'cn',
    'sn',
    'givenName',
    'displayName',
    'mail',
    'title',
    'departmentNumber',
    'employeeType',
    'telephoneNumber',
    'mobile',
    'description',
    'ou',
    'o',
    'l',
    'st',
    'street',
    'postalCode',
    'userPrincipalName',
    'manager',
    'initials',
    'labeledURI',
    'preferredLanguage',
    'roomNumber',
    'businessCategory',
  ].map((n) => [n.toLowerCase(), n]),
);
const canonical = (lower: string) => CANON.get(lower) ?? lower;

type Index = ((dn: string) => string[]) | undefined;

/** Without memberOf, memberships come from the groups' member lists, read once. */
async function membershipIndex(ctx: LdapCtx): Promise<Index> {
  if (ctx.profile.flavour === 'ad' || ctx.settings.use_memberof) return undefined;
  const byMember = new Map<string, string[]>();
  for await (const page of ctx.pool.pages(ctx.profile.groupsBaseDn, {
    filter: '(objectClass=groupOfNames)',
    attributes: ['member'],
  })) {
    for (const g of page) {
      for (const m of g.attrs.get('member') ?? []) {
        if (m === '') continue;
        const key = safeNormalize(m);
        const list = byMember.get(key);
        if (list) list.push(g.dn);
        else byMember.set(key, [g.dn]);
      }
    }
  }
  return (dn) => byMember.get(safeNormalize(dn)) ?? [];
}

const safeNormalize = (dn: string) => {
  try {
    return normalizeDn(dn);
  } catch {
    return dn;
  }
};

function entitlementsOf(
  e: Entry,
  index: Index,
  entitlement: (dn: string) => string | undefined,
): string[] {
  const groups = index ? index(e.dn) : (e.attrs.get('memberof') ?? []);
  const ids = groups.map(entitlement).filter((x): x is string => x !== undefined);
  return [...new Set(ids)].sort();
}
