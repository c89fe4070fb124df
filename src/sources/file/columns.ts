/** Maps an export's header (or JSON keys) to Tenure's HR fields, honouring a `columns` mapping. */
import { HR_FIELDS, type HrField } from '../../domain/types.js';
import { hrFileError } from './file-error.js';

/**
 * Columns that must be present in a CSV header. Only `preferred_name` may be absent: a missing
 * `manager_id` or `end_date` column (often a mapping typo) would silently null every value and
 * turn one typo into a mass mover/leaver run.
 */
export const REQUIRED_COLUMNS: readonly HrField[] = HR_FIELDS.filter((f) => f !== 'preferred_name');

const normalise = (name: string): string => name.trim().toLowerCase();

/** The export name of each HR field (index = HR_FIELDS index); throws on unknown mapping keys. */
export function exportNames(columns: Record<string, string> | undefined, source: string): string[] {
  const mapping = columns ?? {};
  for (const [field, name] of Object.entries(mapping)) {
    if (!(HR_FIELDS as readonly string[]).includes(field)) {
      throw hrFileError(
        'hr.invalid_column_mapping',
        source,
        `columns mapping has unknown field "${field}" (known fields: ${HR_FIELDS.join(', ')})`,
        { field },
      );
    }
    if (name.trim() === '') {
      throw hrFileError('hr.invalid_column_mapping', source, `columns.${field} is empty`, {
        field,
      });
    }
  }
  return HR_FIELDS.map((f) => mapping[f] ?? f);
}

export function describeMapping(columns: Record<string, string> | undefined): string {
  const entries = Object.entries(columns ?? {});
  if (entries.length === 0) return "Tenure's default column names";
  const pairs = entries.map(([f, c]) => `${f} → ${JSON.stringify(c)}`).join(', ');
  return `the columns mapping (${pairs}; other fields use Tenure's names)`;
}

/** Column index of each HR field in `header` (undefined if absent). Throws if required ones are missing. */
export function resolveHeader(
  header: string[],
  columns: Record<string, string> | undefined,
  source: string,
): (number | undefined)[] {
  const names = exportNames(columns, source);
  const positions = new Map<string, number[]>();
  header.forEach((cell, i) => {
    const key = normalise(cell);
    positions.set(key, [...(positions.get(key) ?? []), i]);
  });
  const indexes: (number | undefined)[] = [];
  const missing: string[] = [];
  names.forEach((name, i) => {
    const field = HR_FIELDS[i]!;
    const found = positions.get(normalise(name)) ?? [];
    if (found.length > 1) {
      throw hrFileError(
        'hr.duplicate_columns',
        source,
        `column ${JSON.stringify(name)} (for ${field}) appears ${found.length} times in the header`,
        { column: name, field },
      );
    }
    if (found.length === 0 && REQUIRED_COLUMNS.includes(field)) {
      missing.push(name === field ? `"${name}"` : `"${name}" (for ${field})`);
    }
    indexes.push(found[0]);
  });
  if (missing.length > 0) {
    const seen = header.slice(0, 30).map((h) => JSON.stringify(h));
    throw hrFileError(
      'hr.missing_columns',
      source,
      `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; ` +
        `expected with ${describeMapping(columns)}; header has ${seen.join(', ')}` +
        (header.length > 30 ? ', …' : ''),
      { missing, header },
    );
  }
  return indexes;
}

/** Looks a key up exactly, then trimmed and case-insensitively (JSON exports vary in casing). */
export function lookupKey(obj: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(obj, name)) return name;
  const wanted = normalise(name);
  return Object.keys(obj).find((k) => normalise(k) === wanted);
}
