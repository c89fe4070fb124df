/**
 * RaaS Report_Entry rows to Tenure's HR fields (pure), matched on WorkerID across rehires: a
 * rehire or a contingent-to-employee conversion creates a new WID with the same WorkerID, so one
 * person may have several entries. The current one wins (active, else the latest hire); the
 * others are reported as warnings, not rejected.
 */
import { isObject } from '../common/context.js';
import { notAnObject, personFields, type VendorMapping } from '../common/person.js';
import type { VendorRow } from '../common/records.js';
import { resolveState } from '../common/states.js';
import { blank, employmentType, isoDate, text, truthy } from '../common/values.js';
import type { RecordWarning } from '../file/types.js';
import type { WorkdayConfig, WorkdayInput } from './config.js';
import { reportValue } from './paths.js';

export type WorkdayMapping = VendorMapping<WorkdayInput, WorkdayConfig['states']>;

/** A report entry read, and whether Workday marks that record (WID) active. */
export type WorkdayRow = VendorRow & { active: boolean };

export function mapWorkdayEntry(e: unknown, row: number, m: WorkdayMapping): WorkdayRow {
  if (!isObject(e))
    return { ...notAnObject(e, row, 'Workday', 'a report entry object'), active: false };
  const issues: string[] = [];
  const raw = (input: WorkdayInput): unknown => {
    const path = m.fields[input];
    return path === undefined ? undefined : reportValue(e, path);
  };
  const get = (input: WorkdayInput): string | undefined => {
    const path = m.fields[input];
    return path === undefined ? undefined : text(raw(input), path, issues);
  };
  const worker = get('worker_id');
  const wid = get('wid');
  const label = blank(worker)
    ? `Workday entry ${row}`
    : `Workday Worker_ID ${worker}${blank(wid) ? '' : ` (WID ${wid})`}`;
  const active = raw('active');
  if (active === undefined || active === null || active === '')
    issues.push(`"${m.fields.active}" is missing: cannot tell whether the worker is active`);
  const start = isoDate(get('hire_date'));
  const state = resolveState({
    terminated: false,
    inactive: !truthy(active),
    leave: truthy(raw('on_leave')),
    start,
    // The last day of work is when access should end; the termination date is the fallback.
    termination: isoDate(get('last_day_of_work')) ?? isoDate(get('termination_date')),
    today: m.today,
  });
  const type = get('worker_type');
  return {
    row,
    label,
    fields: {
      employee_id: worker,
      ...personFields(get),
      employment_type: employmentType(m.states.contractor, type),
      status: state.status,
      start_date: start,
      end_date: state.end_date,
    },
    issues,
    raw: e,
    active: truthy(active),
  };
}

/**
 * Which record of a worker is current: the active one (a converted worker keeps the old record
 * until the new one starts), else one not terminated (a future rehire), else the latest hire.
 */
const rank = (r: WorkdayRow): [number, number, string, number] => [
  r.active ? 1 : 0,
  r.fields.status === 'terminated' ? 0 : 1,
  r.fields.start_date ?? '',
  r.row,
];
const better = (a: WorkdayRow, b: WorkdayRow): boolean => {
  const [x, y] = [rank(a), rank(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return false;
};

/** One row per WorkerID: the current record, and a warning for each superseded one. */
export function currentPerWorker(rows: WorkdayRow[]): {
  rows: VendorRow[];
  warnings: RecordWarning[];
} {
  const best = new Map<string, WorkdayRow>();
  const keep: WorkdayRow[] = [];
  for (const r of rows) {
    const id = r.fields.employee_id?.trim();
    if (!id || r.issues.length > 0) {
      keep.push(r); // rejected later, with its reasons
      continue;
    }
    const seen = best.get(id);
    if (!seen || better(r, seen)) best.set(id, r);
  }
  const chosen = new Set(best.values());
  const warnings: RecordWarning[] = [];
  for (const r of rows) {
    const id = r.fields.employee_id?.trim();
    if (!id || r.issues.length > 0 || chosen.has(r)) continue;
    const winner = best.get(id)!;
    warnings.push({
      row: r.row,
      employee_id: id,
      message: `${r.label} is superseded by ${winner.label} (entry ${winner.row}): same WorkerID after a rehire or conversion`,
    });
  }
  return { rows: [...keep, ...chosen].sort((a, b) => a.row - b.row), warnings };
}
