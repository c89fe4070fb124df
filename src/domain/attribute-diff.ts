/**
 * How a plan compares desired attribute values with what a target holds, so that a converged
 * target plans nothing: names match whatever their case (LDAP attribute types and SCIM
 * attribute names are case-insensitive: a policy's `givenname` is the directory's `givenName`),
 * and absent, null and '' are one value (a directory drops an empty attribute).
 * @see https://www.rfc-editor.org/rfc/rfc4512#section-2.5 (attribute descriptions)
 */

/** Whether two non-empty values of attribute `name` are the same to the target. */
export type SameValue = (name: string, actual: string, desired: string) => boolean;

const exactly: SameValue = (_name, a, b) => a === b;

/**
 * The keys of `desired` whose value differs from `actual`'s, in `desired`'s order. `same`
 * compares two non-empty values (e.g. sameLdapValue: DN values without case).
 */
export function changedAttributes(
  desired: Readonly<Record<string, string | null>>,
  actual: Readonly<Record<string, string | null>>,
  same: SameValue = exactly,
): string[] {
  const changed: string[] = [];
  let byLowerName: Map<string, string | null> | undefined;
  for (const k in desired) {
    let have = actual[k];
    if (have === undefined) {
      // Only an account read back under other names pays for the case-insensitive index.
      byLowerName ??= lowerNames(actual);
      have = byLowerName.get(k.toLowerCase());
    }
    const a = have ?? '';
    const b = desired[k] ?? '';
    if (a !== b && (a === '' || b === '' || !same(k, a, b))) changed.push(k);
  }
  return changed;
}

function lowerNames(values: Readonly<Record<string, string | null>>): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const k in values) {
    const v = values[k] ?? null;
    const lower = k.toLowerCase();
    // Two spellings of one name: a non-empty value is what the target holds.
    if (!out.has(lower) || (out.get(lower) ?? '') === '') out.set(lower, v);
  }
  return out;
}
