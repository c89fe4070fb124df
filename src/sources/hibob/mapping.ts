/** One HiBob person (people search answer) to Tenure's HR fields. Pure. */
import { isObject, kindOf } from '../common/context.js';
import type { VendorRow } from '../common/records.js';
import { resolveState } from '../common/states.js';
import { blank, employmentType, isoDate, oneOf, text } from '../common/values.js';
import type { HibobConfig, HibobInput } from './config.js';
import { hasPath, valueAt } from './paths.js';

export type HibobMapping = {
  fields: Record<HibobInput, string | undefined>;
  states: HibobConfig['states'];
  today: string;
};

const EXPECTED: HibobInput[] = [
  'employee_id',
  'first_name',
  'last_name',
  'email',
  'department',
  'title',
  'location',
  'lifecycle_status',
  'start_date',
];

export function mapHibobPerson(e: unknown, row: number, m: HibobMapping): VendorRow {
  if (!isObject(e)) {
    const issues = [`the entry is ${kindOf(e)}, not a person object`];
    return { row, label: `HiBob entry ${row}`, fields: {}, issues, raw: e };
  }
  const issues: string[] = [];
  const get = (input: HibobInput): string | undefined => {
    const path = m.fields[input];
    return path === undefined ? undefined : text(valueAt(e, path), path, issues);
  };
  const vendorId = get('id');
  const label = blank(vendorId) ? `HiBob entry ${row}` : `HiBob id ${vendorId}`;
  for (const input of EXPECTED) {
    const path = m.fields[input];
    if (path !== undefined && !hasPath(e, path))
      issues.push(
        `field "${path}" is missing (HiBob leaves out fields the service user may not see)`,
      );
  }
  const lifecycle = get('lifecycle_status');
  const start = isoDate(get('start_date'));
  const state = resolveState({
    terminated: oneOf(m.states.terminated, lifecycle),
    inactive: get('record_status')?.trim().toLowerCase() === 'inactive',
    leave: oneOf(m.states.leave, lifecycle),
    start,
    termination: isoDate(get('termination_date')),
    today: m.today,
  });
  const type = m.fields.employment_type === undefined ? 'employee' : get('employment_type');
  return {
    row,
    label,
    fields: {
      employee_id: get('employee_id'),
      first_name: get('first_name'),
      last_name: get('last_name'),
      preferred_name: get('preferred_name'),
      email: get('email'),
      department: get('department'),
      title: get('title'),
      manager_id: get('manager_id'),
      location: get('location'),
      employment_type: employmentType(m.states.contractor, type),
      status: state.status,
      start_date: start,
      end_date: state.end_date,
    },
    issues,
    raw: e,
  };
}
