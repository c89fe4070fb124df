/** One HiBob person (people search answer) to Tenure's HR fields. Pure. */
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
import { blank, employmentType, isoDate, oneOf, text } from '../common/values.js';
import type { HibobInput } from './config.js';
import { hasPath, valueAt } from './paths.js';

export type HibobMapping = VendorMapping<HibobInput>;

const EXPECTED: HibobInput[] = [
  'employee_id',
  ...REQUIRED_PERSON_INPUTS,
  'lifecycle_status',
  'start_date',
];

export function mapHibobPerson(e: unknown, row: number, m: HibobMapping): VendorRow {
  if (!isObject(e)) return notAnObject(e, row, 'HiBob', 'a person object');
  const issues: string[] = [];
  const get = (input: HibobInput): string | undefined => {
    const path = m.fields[input];
    return path === undefined ? undefined : text(valueAt(e, path), path, issues);
  };
  const vendorId = get('id');
  const label = blank(vendorId) ? `HiBob entry ${row}` : `HiBob id ${vendorId}`;
  issues.push(
    ...missingFields(
      EXPECTED,
      m.fields,
      (path) => hasPath(e, path),
      'HiBob leaves out fields the service user may not see',
    ),
  );
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
