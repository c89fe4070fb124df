/**
 * Distinguished names as data: an RFC 4514 parser, a canonical formatter, comparison, and the
 * "relative to a base" arithmetic containers need. DNs are never built by concatenating raw values.
 * Pure: the ldap connector builds and matches DNs with it, and plans compare DN values with it.
 */
import { TenureError } from './errors.js';

/** `c` as `\xx` hex pairs of its UTF-8 bytes (RFC 4514 and RFC 4515 escapes). */
export const hexPairs = (c: string): string =>
  [...Buffer.from(c, 'utf8')].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');

/**
 * Escapes one attribute value for a DN string (RFC 4514 section 2.4): `, + " < > ; =` get a
 * backslash; backslash, NUL, CR and LF become hex pairs; a leading `#` or space and a trailing
 * space get a backslash. Backslash is written `\5c` rather than `\\` so that no escaped value can
 * end in a backslash that a naive splitter would read as escaping the next comma.
 * @see https://www.rfc-editor.org/rfc/rfc4514#section-2.4
 */
export function escapeDnValue(value: string): string {
  let s = value.replace(/[\\\0\r\n]/g, hexPairs).replace(/[,+"<>;=]/g, (c) => `\\${c}`);
  if (s.startsWith(' ') || s.startsWith('#')) s = `\\${s}`;
  if (s.endsWith(' ') && !s.endsWith('\\ ')) s = `${s.slice(0, -1)}\\ `;
  return s;
}

/** `raw`: a `#hex` (BER) value, kept exactly as written. */
export type Ava = { type: string; value: string; raw?: true };
/** One RDN: usually one type=value, several when joined with `+`. */
export type Rdn = Ava[];
export type Dn = Rdn[];

const TYPE = /^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)$/;
const HEX2 = /^[0-9A-Fa-f]{2}$/;

const bad = (dn: string, why: string) =>
  new TenureError('ldap.bad_dn', `"${dn}" is not a valid DN: ${why}`, { dn });

/**
 * Parses an RFC 4514 string into RDNs, first (leaf) RDN first. Values are unescaped (hex pairs
 * decoded as UTF-8); `#hex` values are kept as written. Throws `ldap.bad_dn` naming the problem.
 * @see https://www.rfc-editor.org/rfc/rfc4514#section-3
 */
export function parseDn(dn: string): Dn {
  const out: Dn = [];
  if (dn.trim() === '') return out;
  let i = 0;
  let rdn: Rdn = [];
  while (i <= dn.length) {
    while (dn[i] === ' ') i++;
    const eq = dn.indexOf('=', i);
    if (eq < 0) throw bad(dn, `missing "=" after position ${i}`);
    const type = dn.slice(i, eq).trim();
    if (!TYPE.test(type)) throw bad(dn, `bad attribute type "${type}"`);
    i = eq + 1;
    const bytes: number[] = [];
    let lastSignificant = 0;
    if (dn[i] === '#') {
      const m = /^#([0-9A-Fa-f]{2})+/.exec(dn.slice(i))?.[0];
      if (!m) throw bad(dn, `bad #hex value at position ${i}`);
      i += m.length;
      while (dn[i] === ' ') i++;
      rdn.push({ type, value: m, raw: true });
    } else {
      while (i < dn.length && dn[i] !== ',' && dn[i] !== '+' && dn[i] !== ';') {
        const c = dn[i]!;
        if (c === '\\') {
          const next = dn.slice(i + 1, i + 3);
          if (HEX2.test(next)) {
            bytes.push(Number.parseInt(next, 16));
            i += 3;
          } else if (i + 1 < dn.length && ' "#+,;<=>\\'.includes(dn[i + 1]!)) {
            bytes.push(dn.charCodeAt(i + 1));
            i += 2;
          } else throw bad(dn, `bad escape at position ${i}`);
          lastSignificant = bytes.length;
        } else if (c === '\0') {
          throw bad(dn, `unescaped NUL at position ${i}`);
        } else {
          // Lenient on `" < > =` left unescaped: servers differ, and we re-escape on output.
          const cp = dn.codePointAt(i)!;
          const ch = String.fromCodePoint(cp);
          bytes.push(...Buffer.from(ch, 'utf8'));
          if (c !== ' ') lastSignificant = bytes.length;
          i += ch.length;
        }
      }
      // Unescaped trailing spaces are not part of the value (RFC 4514 section 3).
      rdn.push({ type, value: utf8(bytes.slice(0, lastSignificant), dn, type) });
    }
    const sep = dn[i];
    i++;
    if (sep === '+') continue;
    out.push(rdn);
    rdn = [];
    if (sep === undefined) break;
  }
  return out;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
function utf8(bytes: number[], dn: string, type: string): string {
  try {
    return decoder.decode(Uint8Array.from(bytes));
  } catch {
    throw bad(dn, `value of ${type} is not valid UTF-8`);
  }
}

const formatAva = (a: Ava): string =>
  a.raw ? `${a.type}=${a.value}` : `${a.type}=${escapeDnValue(a.value)}`;

/** Writes RDNs back as an RFC 4514 string, every value escaped. */
export const formatDn = (dn: Dn): string => dn.map((rdn) => rdn.map(formatAva).join('+')).join(',');

/** One `type=value` RDN string, the value escaped. */
export const rdnString = (type: string, value: string): string => `${type}=${escapeDnValue(value)}`;

/**
 * A comparison key: types and values lower-cased, multi-valued RDNs sorted. Directory names
 * (cn, ou, dc, uid) match case-insensitively, which is what this approximates.
 */
export function normalizeDn(dn: string | Dn): string {
  if (typeof dn !== 'string') return normalizeParsed(dn);
  let key = memo.get(dn);
  if (key === undefined) {
    key = normalizeParsed(parseDn(dn));
    // Group DNs recur in every membership check: remember a bounded number of them.
    if (memo.size >= 10_000) memo.clear();
    memo.set(dn, key);
  }
  return key;
}
const memo = new Map<string, string>();

function normalizeParsed(parsed: Dn): string {
  return parsed
    .map((rdn) =>
      rdn
        .map(
          (a) => `${a.type.toLowerCase()}=${escapeDnValue(a.value.normalize('NFC').toLowerCase())}`,
        )
        .sort()
        .join('+'),
    )
    .join(',');
}

export const sameDn = (a: string | Dn, b: string | Dn): boolean =>
  normalizeDn(a) === normalizeDn(b);

/** The RDNs of `dn` below `base`, or undefined when `dn` is not `base` or under it. */
export function relativeRdns(dn: Dn, base: Dn): Dn | undefined {
  if (dn.length < base.length) return undefined;
  const tail = dn.slice(dn.length - base.length);
  if (normalizeDn(tail) !== normalizeDn(base)) return undefined;
  return dn.slice(0, dn.length - base.length);
}

/** `child` (relative RDNs) placed under `base`. */
export const under = (child: Dn, base: Dn): Dn => [...child, ...base];
