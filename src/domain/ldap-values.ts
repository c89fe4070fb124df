/**
 * When two values of an LDAP attribute are the same to the directory although spelt differently:
 * values of DN syntax (`manager`, `seeAlso`, `member`, …) name an entry, and the directory
 * answers with its own spelling — `CN=` for `cn=`, no space after a comma, the entry's case.
 * Plans and the ldap connector compare them the same way, so neither proposes nor writes a change.
 * @see https://www.rfc-editor.org/rfc/rfc4517#section-4.2.15 (distinguishedNameMatch)
 */
import { normalizeDn } from './dn.js';

/** Attributes of DN syntax (RFC 4519, RFC 4524, Active Directory), lower-cased. */
export const DN_ATTRIBUTES: ReadonlySet<string> = new Set([
  'aliasedobjectname',
  'assistant',
  'directreports',
  'distinguishedname',
  'documentauthor',
  'managedby',
  'manager',
  'member',
  'memberof',
  'owner',
  'roleoccupant',
  'secretary',
  'seealso',
]);

export const isDnAttribute = (name: string): boolean => DN_ATTRIBUTES.has(name.toLowerCase());

/** A DN's comparison key; a value that is no DN (an employee id, say) is its own key. */
function dnKey(value: string): string {
  try {
    return normalizeDn(value);
  } catch {
    return value;
  }
}

/** The comparison keys of DN values, sorted: a multi-valued attribute is a set. */
export const dnKeys = (values: readonly string[]): string[] => values.map(dnKey).sort();

/**
 * Whether two containers (DNs relative to users_base, or names from `containers:`) are the same
 * place: `ou=Sales` written and `OU=sales` read back (AD answers `OU=`) are one container.
 */
export const sameLdapContainer = (a: string, b: string): boolean =>
  a === b || dnKey(a) === dnKey(b);

/**
 * Whether `a` and `b` (multi-valued: one value per line, as read() returns them) are the same
 * value of attribute `name`: DN values by distinguishedNameMatch (types and values without case,
 * spaces around separators ignored, in any order), the others exactly.
 */
export function sameLdapValue(name: string, a: string, b: string): boolean {
  if (a === b) return true;
  if (!isDnAttribute(name)) return false;
  const x = dnKeys(a.split('\n'));
  const y = dnKeys(b.split('\n'));
  return x.length === y.length && x.every((k, i) => k === y[i]);
}
