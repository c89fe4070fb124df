/** One BambooHR employee (custom report row or GET /employees/{id}) to Tenure's HR fields. Pure. */

import { isObject } from '../common/context.js';
import {
  missingFields,
  notAnObject,
  personFields,
  REQUIRED_PERSON_INPUTS,
  type VendorMapping,
} from '../common/person.js';
import type { VendorRow } from '../common/records.js';
import { resolveState } from '../common/states.js';
import { blank, employmentType, isoDate, laterDate, oneOf, text } from '../common/values.js';
import type { BambooInput } from './config.js';

/** `fields`: Tenure input -> BambooHR field name (defaults with the `fields:` overrides applied). */
export type BambooMapping = VendorMapping<BambooInput>;

/** Inputs a record cannot do without: their absence is BambooHR leaving out a field the key may not see. */
const EXPECTED: BambooInput[] = ['employee_id', ...REQUIRED_PERSON_INPUTS, 'employment_status'];

export function mapBambooEmployee(e: unknown, row: number, m: BambooMapping): VendorRow {
  if (!isObject(e)) return notAnObject(e, row, 'BambooHR', 'an employee object');
  const issues: string[] = [];
  const get = (input: BambooInput): string | undefined => {
    const name = m.fields[input];
    return name === undefined ? undefined : text(e[name], name, issues);
  };
  const vendorId = get('id');
  const label = blank(vendorId) ? `BambooHR entry ${row}` : `BambooHR id ${vendorId}`;
  issues.push(
    ...missingFields(
      EXPECTED,
      m.fields,
      (name) => Object.hasOwn(e, name),
      'BambooHR leaves out fields the API key may not see',
    ),
  );

  const status = get('employment_status');
  const start = laterDate(isoDate(get('hire_date')), isoDate(get('rehire_date')));
  const state = resolveState({
    terminated: oneOf(m.states.terminated, status),
    inactive: get('record_status')?.trim().toLowerCase() === 'inactive',
    leave: oneOf(m.states.leave, status),
    start,
    termination: isoDate(get('termination_date')),
    today: m.today,
  });
  // Without a field of its own, the type is the employment status (Full-Time, Contractor …).
  const type = m.fields.employment_type === undefined ? status : get('employment_type');
  return {
    row,
    label,
    fields: {
      employee_id: get('employee_id'),
      ...personFields(get),
      employment_type: employmentType(m.states.contractor, type),
      status: state.status,
      start_date: start,
      end_date: state.end_date,
    },
    issues,
    raw: e,
  };
}
