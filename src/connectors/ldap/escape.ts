/**
 * RFC 4515 (search filter values) escaping; DN values are escaped by escapeDnValue (domain/dn.ts).
 * Every value that comes from HR or a policy goes through one of them before it touches a DN or a filter.
 */
import { hexPairs } from '../../domain/dn.js';

/**
 * Escapes one assertion value for a filter string (RFC 4515 section 3): `\ * ( )` and NUL become
 * hex pairs. Other characters, Unicode included, stay as UTF-8.
 * @see https://www.rfc-editor.org/rfc/rfc4515#section-3
 */
export const escapeFilterValue = (value: string): string => value.replace(/[\\*()\0]/g, hexPairs);

/** `(attr=value)` with the value escaped; the attribute name must be a plain descriptor. */
export function eqFilter(attribute: string, value: string): string {
  if (!ATTRIBUTE_NAME.test(attribute)) throw new Error(`bad attribute name "${attribute}"`);
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/** LDAP attribute descriptors (RFC 4512 `descr`) or numeric OIDs, optionally with options. */
export const ATTRIBUTE_NAME = /^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)(;[A-Za-z0-9-]+)*$/;
