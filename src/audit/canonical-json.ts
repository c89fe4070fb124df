/** Canonical JSON (sorted keys, no whitespace): the one text form of audit `details` that gets hashed. */
import { TenureError } from '../domain/errors.js';

/**
 * Serialises like JSON.stringify but with object keys sorted by UTF-16 code unit at every level,
 * which matches RFC 8785 (JCS) for the values audit details hold. It runs once, at append; the
 * stored text is what is hashed, so verifiers never need to re-canonicalise.
 * @see https://www.rfc-editor.org/rfc/rfc8785
 */
export const canonicalJson = (value: unknown): string => write(value, new Set()) ?? 'null';

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
