/**
 * `values:` of a file source — the export's own words for a status or an employment type
 * (`Terminated - Voluntary`, `Full-Time`) mapped onto Tenure's, the way `columns:` maps headers.
 * Keys compare trimmed and ignoring case; a value with no entry is validated as written.
 */
import { HR_FIELDS } from '../../domain/types.js';
import type { RawRow, ValueMapping } from './types.js';

const fold = (v: string): string => v.trim().toLowerCase();

const lookup = (table: Record<string, string> | undefined) => {
  if (!table) return undefined;
  const byKey = new Map(Object.entries(table).map(([k, v]) => [fold(k), v]));
  return (v: string | undefined) => (v === undefined ? v : (byKey.get(fold(v)) ?? v));
};

/** Rewrites the mapped fields of each row in place (before validation, so reasons name Tenure's value). */
export function applyValueMapping(rows: RawRow[], mapping: ValueMapping | undefined): void {
  const fields = (['status', 'employment_type'] as const)
    .map((f) => ({ index: HR_FIELDS.indexOf(f), map: lookup(mapping?.[f]) }))
    .filter((f) => f.map !== undefined);
  if (fields.length === 0) return;
  for (const row of rows) {
    for (const { index, map } of fields) row.values[index] = map!(row.values[index]);
  }
}
