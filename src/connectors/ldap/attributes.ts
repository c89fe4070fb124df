/**
 * From an operation's attribute set (rendered by policies) to LDAP values, and from current vs
 * desired values to the smallest modify. Pure: the special keys (`manager`, `account_expires`)
 * and every refusal live here, so they are unit-tested without a server.
 */
import { Attribute, Change } from 'ldapts';
import { dnKeys, isDnAttribute } from '../../domain/ldap-values.js';
import type { Operation } from '../../domain/types.js';
import { LdapOpError } from './errors.js';
import { ATTRIBUTE_NAME } from './escape.js';
import { endOfDayFileTime, NEVER } from './filetime.js';
import type { Entry } from './pool.js';
import type { Profile } from './profile.js';

export type Desired = {
  /** Lower-cased name -> { name as written, values }; no values = remove the attribute. */
  values: Map<string, { name: string; values: string[] }>;
  /** undefined: not managed; null: remove the link; string: the manager's employee id. */
  manager?: string | null;
  /** ad: the wanted `cn` (the RDN), which a modify cannot change: a rename does. */
  rdnValue?: string;
};

export type DesiredOptions = { create: boolean; upnSuffix?: string };

export function desiredAttributes(op: Operation, p: Profile, o: DesiredOptions): Desired {
  const d: Desired = { values: new Map() };
  const set = (name: string, value: string) =>
    d.values.set(name.toLowerCase(), { name, values: value === '' ? [] : [value] });
  for (const [key, value] of Object.entries(op.attributes ?? {})) {
    if (key === 'manager') {
      d.manager = value === '' ? null : value;
    } else if (key === 'account_expires') {
      if (p.flavour !== 'ad')
        throw new LdapOpError(
          'account_expires is only supported by the ad flavour (accountExpires)',
        );
      const ft = value === '' ? '0' : endOfDayFileTime(value);
      if (ft === undefined)
        throw new LdapOpError(`account_expires "${value}" is not a YYYY-MM-DD date`);
      d.values.set('accountexpires', { name: 'accountExpires', values: [ft] });
    } else if (!ATTRIBUTE_NAME.test(key)) {
      throw new LdapOpError(`attribute "${key}" is not an LDAP attribute name`);
    } else if (p.reserved.has(key.toLowerCase())) {
      throw new LdapOpError(
        `attribute "${key}" is managed by the connector and cannot be set by a policy`,
      );
    } else if (key.toLowerCase() === p.rdnAttr.toLowerCase()) {
      if (value === '')
        throw new LdapOpError(`attribute "${key}" names the entry and cannot be empty`);
      d.rdnValue = value;
    } else set(key, value);
  }
  if (op.identity_id && !d.values.has(p.employeeAttr.toLowerCase()))
    set(p.employeeAttr, op.identity_id);
  if (p.flavour === 'ad' && o.upnSuffix && !d.values.has('userprincipalname'))
    set('userPrincipalName', `${op.account_id}@${o.upnSuffix}`);
  if (p.flavour === 'openldap' && o.create) {
    // inetOrgPerson must have cn and sn: fall back to the login, then to cn.
    if (!d.values.get('cn')?.values.length) set('cn', op.account_id);
    if (!d.values.get('sn')?.values.length) set('sn', d.values.get('cn')!.values[0]!);
  }
  return d;
}

const sameValues = (name: string, current: string[], wanted: string[]): boolean => {
  if (name === 'accountexpires') {
    const never = (v: string[]) =>
      v.length === 0 || v.every((x) => (NEVER as readonly string[]).includes(x));
    if (never(current) && never(wanted)) return true;
  }
  if (current.length !== wanted.length) return false;
  if (isDnAttribute(name)) {
    const have = dnKeys(current);
    return dnKeys(wanted).every((k, i) => k === have[i]);
  }
  const a = [...current].sort();
  const b = [...wanted].sort();
  return a.every((v, i) => v === b[i]);
};

/** The modify that brings `entry` to `values`: replace what differs, delete what must go. */
export function diffChanges(entry: Entry, values: Desired['values']): Change[] {
  const changes: Change[] = [];
  for (const [lower, { name, values: wanted }] of values) {
    const current = entry.attrs.get(lower) ?? [];
    if (wanted.length === 0) {
      if (current.length > 0)
        changes.push(
          new Change({ operation: 'delete', modification: new Attribute({ type: name }) }),
        );
    } else if (!sameValues(lower, current, wanted)) {
      changes.push(
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: name, values: wanted }),
        }),
      );
    }
  }
  return changes;
}

/** The attributes of a new entry (values only; empty ones are simply left out). */
export function addAttributes(
  fixed: Record<string, string[]>,
  values: Desired['values'],
): Attribute[] {
  const out = Object.entries(fixed).map(([type, v]) => new Attribute({ type, values: v }));
  for (const { name, values: v } of values.values())
    if (v.length > 0) out.push(new Attribute({ type: name, values: v }));
  return out;
}

/** AD sAMAccountName rules: at most 20 characters, none of `" / \ [ ] : ; | = , + * ? < >`. */
export function loginProblem(login: string, p: Profile): string | undefined {
  if (login.trim() === '') return 'is empty';
  if (/[\0-\x1f\x7f]/.test(login)) return 'contains a control character';
  if (p.flavour !== 'ad') return undefined;
  if ([...login].length > 20) return 'is longer than 20 characters (sAMAccountName limit)';
  const bad = login.match(/["/\\[\]:;|=,+*?<>]/g);
  if (bad)
    return `contains ${[...new Set(bad)].map((c) => `"${c}"`).join(' ')}, not allowed in a sAMAccountName`;
  if (login.endsWith('.')) return 'ends with "." (not allowed in a sAMAccountName)';
  return undefined;
}

/** Candidate logins after a collision: jdoe2, jdoe3, ... cut so they fit AD's 20 characters. */
export function collisionCandidate(login: string, n: number, p: Profile): string {
  const suffix = String(n);
  if (p.flavour !== 'ad') return `${login}${suffix}`;
  return `${[...login].slice(0, 20 - suffix.length).join('')}${suffix}`;
}
