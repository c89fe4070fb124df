/**
 * RFC 4514 (DN attribute values) and RFC 4515 (search filter values) escaping. Every value that
 * comes from HR or a policy goes through one of these before it touches a DN or a filter.
 */

const hex = (c: string): string =>
  [...Buffer.from(c, 'utf8')].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');

/**
 * Escapes one attribute value for a DN string (RFC 4514 section 2.4): `, + " < > ; =` get a
 * backslash; backslash, NUL, CR and LF become hex pairs; a leading `#` or space and a trailing
 * space get a backslash. Backslash is written `\5c` rather than `\\` so that no escaped value can
 * end in a backslash that a naive splitter would read as escaping the next comma.
 * @see https://www.rfc-editor.org/rfc/rfc4514#section-2.4
 */
export function escapeDnValue(value: string): string {
  let s = value.replace(/[\\\0\r\n]/g, hex).replace(/[,+"<>;=]/g, (c) => `\\${c}`);
  if (s.startsWith(' ') || s.startsWith('#')) s = `\\${s}`;
  if (s.endsWith(' ') && !s.endsWith('\\ ')) s = `${s.slice(0, -1)}\\ `;
  return s;
}

/**
 * Escapes one assertion value for a filter string (RFC 4515 section 3): `\ * ( )` and NUL become
 * hex pairs. Other characters, Unicode included, stay as UTF-8.
 * @see https://www.rfc-editor.org/rfc/rfc4515#section-3
 */
export const escapeFilterValue = (value: string): string => value.replace(/[\\*()\0]/g, hex);

/** `(attr=value)` with the value escaped; the attribute name must be a plain descriptor. */
export function eqFilter(attribute: string, value: string): string {
  if (!ATTRIBUTE_NAME.test(attribute)) throw new Error(`bad attribute name "${attribute}"`);
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/** LDAP attribute descriptors (RFC 4512 `descr`) or numeric OIDs, optionally with options. */
export const ATTRIBUTE_NAME = /^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)(;[A-Za-z0-9-]+)*$/;
