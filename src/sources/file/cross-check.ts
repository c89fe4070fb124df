/**
 * Checks across rows: duplicate employee ids and ids differing only in case (all copies
 * rejected), and manager references (compared ignoring case, as identity keys are).
 */
import { foldId } from '../../domain/identity-keys.js';
import { EMPLOYEE_ID, show } from './limits.js';
import type { AcceptedRecord, RecordWarning } from './types.js';

/** Row numbers per trimmed employee id, for ids that appear on more than one row. */
export function duplicateRows(rows: { row: number; id: string }[]): Map<number, number[]> {
  const byId = new Map<string, number[]>();
  for (const { row, id } of rows) {
    if (id === '') continue;
    const list = byId.get(id);
    if (list) list.push(row);
    else byId.set(id, [row]);
  }
  const others = new Map<number, number[]>();
  for (const list of byId.values()) {
    if (list.length < 2) continue;
    for (const row of list)
      others.set(
        row,
        list.filter((r) => r !== row),
      );
  }
  return others;
}

export const CASE_CONFLICT = 'hr.employee_id_case_conflict';

/** Per row, the other rows whose employee id is the same ignoring case but spelled otherwise. */
export function caseConflictRows(
  rows: { row: number; id: string }[],
): Map<number, { row: number; id: string }[]> {
  const byKey = new Map<string, { row: number; id: string }[]>();
  for (const r of rows) {
    if (r.id === '') continue;
    const key = foldId(r.id);
    const list = byKey.get(key);
    if (list) list.push(r);
    else byKey.set(key, [r]);
  }
  const others = new Map<number, { row: number; id: string }[]>();
  for (const list of byKey.values()) {
    for (const r of list) {
      const differing = list.filter((o) => o.id !== r.id);
      if (differing.length > 0) others.set(r.row, differing);
    }
  }
  return others;
}

export const caseConflictReason = (id: string, others: { row: number; id: string }[]): string =>
  `employee_id ${show(id)} differs only in case from ${others
    .map((o) => `${show(o.id)} on row ${o.row}`)
    .join(', ')}: identity keys ignore case, so this is one id for two rows (${CASE_CONFLICT})`;

export const duplicateReason = (id: string, otherRows: number[]): string =>
  `duplicate employee_id ${show(id)}: also on row${otherRows.length > 1 ? 's' : ''} ${otherRows.join(', ')}`;

/** Warns about self-managers and managers that are not accepted employees of this snapshot. */
export function managerWarnings(
  accepted: AcceptedRecord[],
  rejectedRowById: Map<string, number>,
): RecordWarning[] {
  const ids = new Set(accepted.map((a) => foldId(a.record.employee_id)));
  const rejectedRow = new Map([...rejectedRowById].map(([id, row]) => [foldId(id), row]));
  const warnings: RecordWarning[] = [];
  for (const { row, record } of accepted) {
    const manager = record.manager_id;
    const self = manager !== null && foldId(manager) === foldId(record.employee_id);
    if (manager === null || (ids.has(foldId(manager)) && !self)) continue;
    let message: string;
    if (self) message = 'employee is their own manager (manager_id = employee_id)';
    else if (rejectedRow.has(foldId(manager))) {
      message = `manager_id ${show(manager)} was rejected (row ${rejectedRow.get(foldId(manager))})`;
    } else if (!EMPLOYEE_ID.test(manager)) {
      message = `manager_id ${show(manager)} is not a valid employee id and matches no employee`;
    } else message = `manager_id ${show(manager)} is not an employee in this snapshot`;
    warnings.push({ row, employee_id: record.employee_id, message });
  }
  return warnings;
}
