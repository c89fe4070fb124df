/** Canonical JSON (sorted keys, no whitespace): the one text form of audit `details` that gets hashed. */
import { TenureError } from '../domain/errors.js';

/**
 * Serialises like JSON.stringify but with object keys sorted by UTF-16 code unit at every level,
 * which matches RFC 8785 (JCS) for the values audit details hold. It runs once, at append; the
 * stored text is what is hashed, so verifiers never need to re-canonicalise.
 * @see https://www.rfc-editor.org/rfc/rfc8785
 */
export const canonicalJson = (value: unknown): string => flatObjectJson(value) ?? walkedJson(value);

/** The general walk: any value, any depth (toJSON, cycles and BigInt handled as documented). */
export const walkedJson = (value: unknown): string => write(value, new Set()) ?? 'null';

/**
 * The same text as `walkedJson` for the common case — a plain object whose values are all
 * strings, numbers, booleans, null or undefined — by one type check per value and then the
 * engine's own JSON.stringify with the sorted key list (the list would also filter nested
 * objects' keys, hence flat only). About a third faster than the walk on typical audit details.
 * Undefined for anything else (nesting, arrays, class instances, functions, BigInt), which the
 * walk then handles.
 */
export const flatObjectJson = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (const key of keys) {
    const v = record[key];
    const type = typeof v;
    if (type !== 'string' && type !== 'number' && type !== 'boolean' && type !== 'undefined') {
      if (v !== null) return undefined;
    }
  }
  if (keys.length > 1) keys.sort();
  return JSON.stringify(record, keys);
};

const write = (input: unknown, ancestors: Set<object>): string | undefined => {
  const value = hasToJson(input) ? input.toJSON() : input;
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TenureError('audit.invalid_details', 'BigInt cannot be written as JSON', {});
    case 'object':
      if (value === null) return 'null';
      if (ancestors.has(value)) {
        throw new TenureError('audit.invalid_details', 'audit details contain a cycle', {});
      }
      ancestors.add(value);
      try {
        return Array.isArray(value) ? writeArray(value, ancestors) : writeObject(value, ancestors);
      } finally {
        ancestors.delete(value);
      }
    default:
      // undefined, functions and symbols: omitted in objects, null in arrays (as JSON.stringify).
      return undefined;
  }
};

const writeArray = (items: unknown[], ancestors: Set<object>): string =>
  `[${items.map((item) => write(item, ancestors) ?? 'null').join(',')}]`;

const writeObject = (obj: object, ancestors: Set<object>): string => {
  const record = obj as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const text = write(record[key], ancestors);
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
};

const hasToJson = (v: unknown): v is { toJSON(): unknown } =>
  typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function';
