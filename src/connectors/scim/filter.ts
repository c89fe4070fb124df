/**
 * SCIM filter strings built from untrusted values (userNames, group names). Pure.
 * @see https://www.rfc-editor.org/rfc/rfc7644#section-3.4.2.2
 */

/**
 * A comparison value: RFC 7644 makes it a JSON string, so `"` and `\` are backslash-escaped and
 * control characters written as `\uXXXX`. Nothing else needs escaping: `*`, `(`, `)` and non-ASCII
 * letters are literal in SCIM (unlike LDAP), and the whole filter is percent-encoded in the URL.
 */
export const filterValue = (value: string): string => JSON.stringify(value);

export const eqFilter = (attr: string, value: string): string => `${attr} eq ${filterValue(value)}`;

/**
 * Characters some servers get wrong inside filter strings: SCIMMY, for one, neither accepts `\"`
 * nor unescapes `\\`, so an `eq` on such a value fails (400) or silently matches nothing.
 */
const FRAGILE = /["\\\p{Cc}]/u;

export const isFragile = (value: string): boolean => FRAGILE.test(value);

/**
 * The longest prefix of `value` free of fragile characters: a `sw` filter on it, checked exactly
 * by the client, finds a fragile value on such servers. Empty when the value starts with one.
 */
export function safePrefix(value: string): string {
  const m = FRAGILE.exec(value);
  return m ? value.slice(0, m.index) : value;
}

/** SCIM userName and group displayName compare case-insensitively (RFC 7643 §4.1.1, §4.2). */
export const sameName = (a: string, b: string): boolean =>
  a === b || a.toLowerCase() === b.toLowerCase();

/** `?a=b&c=d` with RFC 3986 escaping (spaces as %20: not every server decodes `+`). */
export function queryString(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
