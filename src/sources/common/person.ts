/**
 * What every HR vendor mapping shares: the person inputs read straight into the HR field of the
 * same name, the answer for an entry that is not an object, and the check that the fields a
 * record cannot do without were sent at all.
 */
import type { StateLists } from './config.js';
import { kindOf } from './context.js';
import type { VendorRow } from './records.js';

/** How one vendor's entries are read: where each input is (defaults + `fields:`), the states, today. */
export type VendorMapping<I extends string, S = StateLists> = {
  fields: Record<I, string | undefined>;
  states: S;
  today: string;
};

/** Inputs read as they are into the HR field of the same name, in every vendor's `fields:`. */
export const PERSON_INPUTS = [
  'first_name',
  'last_name',
  'preferred_name',
  'email',
  'department',
  'title',
  'manager_id',
  'location',
] as const;
export type PersonInput = (typeof PERSON_INPUTS)[number];

/** The person inputs a record cannot do without (a preferred name or a manager may be absent). */
export const REQUIRED_PERSON_INPUTS = [
  'first_name',
  'last_name',
  'email',
  'department',
  'title',
  'location',
] as const satisfies readonly PersonInput[];

/** Those HR fields of one entry, through the vendor's reader. */
export const personFields = (get: (input: PersonInput) => string | undefined) => ({
  first_name: get('first_name'),
  last_name: get('last_name'),
  preferred_name: get('preferred_name'),
  email: get('email'),
  department: get('department'),
  title: get('title'),
  manager_id: get('manager_id'),
  location: get('location'),
});

/** The row for an entry that is not an object: nothing read, one issue that says what it was. */
export function notAnObject(e: unknown, row: number, vendor: string, what: string): VendorRow {
  const issues = [`the entry is ${kindOf(e)}, not ${what}`];
  return { row, label: `${vendor} entry ${row}`, fields: {}, issues, raw: e };
}

/**
 * An issue per expected input whose field the entry lacks: vendors leave out what the caller's
 * credential may not see, and a silently empty field would look like a real change.
 */
export function missingFields<I extends string>(
  expected: readonly I[],
  fields: Record<I, string | undefined>,
  present: (field: string) => boolean,
  why: string,
): string[] {
  const issues: string[] = [];
  for (const input of expected) {
    const field = fields[input];
    if (field !== undefined && !present(field)) issues.push(`field "${field}" is missing (${why})`);
  }
  return issues;
}
