/** Turning vendor JSON values into the strings HR record validation reads. Pure. */

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * A scalar as text; null/undefined are "absent". Anything else is a problem named after the
 * vendor field, so a reason says which field of which person could not be read.
 */
export function text(v: unknown, field: string, issues: string[]): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  issues.push(`${field} is ${kind(v)}, expected text`);
  return undefined;
}

/**
 * Vendor dates to ISO calendar dates: BambooHR's `0000-00-00` is "no date"; a date-time or a
 * Workday date with an offset (`2026-03-01-08:00`) keeps its calendar date. Anything else is
 * returned unchanged so that validation rejects it with the value in the reason.
 */
export function isoDate(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  if (t === '' || t === '0000-00-00') return undefined;
  if (/^\d{4}-\d{2}-\d{2}(?:[T ].*|Z|[+-]\d{2}:\d{2})?$/.test(t)) return t.slice(0, 10);
  return t;
}

/** Case- and space-insensitive membership: HR systems are not consistent about "Leave Of Absence". */
export const oneOf = (list: readonly string[], value: string | undefined): boolean => {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return v !== '' && list.some((x) => x.trim().toLowerCase() === v);
};

/** Absent or only spaces. */
export const blank = (v: string | undefined): boolean => v === undefined || v.trim() === '';

/** Vendor worker type ⟶ Tenure's employment_type; absent stays absent so validation can name it. */
export const employmentType = (
  contractorStates: readonly string[],
  type: string | undefined,
): 'contractor' | 'employee' | undefined =>
  blank(type) ? undefined : oneOf(contractorStates, type) ? 'contractor' : 'employee';

/** "1", "true", "yes", "y" (any case), true, 1. */
export const truthy = (v: unknown): boolean =>
  v === true || v === 1 || (typeof v === 'string' && /^(1|true|yes|y)$/i.test(v.trim()));

const ISO = /^\d{4}-\d{2}-\d{2}$/;
export const isIso = (d: string | undefined): d is string => d !== undefined && ISO.test(d);

/** The later of two dates (either may be absent); a malformed one wins, so validation names it. */
export const laterDate = (a: string | undefined, b: string | undefined): string | undefined => {
  if (a === undefined || (b !== undefined && !isIso(b))) return b;
  if (b === undefined || !isIso(a)) return a;
  return a >= b ? a : b;
};
