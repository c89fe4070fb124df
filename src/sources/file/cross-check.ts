/** Checks across rows: duplicate employee ids (all copies rejected) and manager references. */
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

export const duplicateReason = (id: string, otherRows: number[]): string =>
  `duplicate employee_id ${show(id)}: also on row${otherRows.length > 1 ? 's' : ''} ${otherRows.join(', ')}`;

/** Warns about self-managers and managers that are not accepted employees of this snapshot. */
export function managerWarnings(
  accepted: AcceptedRecord[],
  rejectedRowById: Map<string, number>,
): RecordWarning[] {
  const ids = new Set(accepted.map((a) => a.record.employee_id));
  const warnings: RecordWarning[] = [];
  for (const { row, record } of accepted) {
    const manager = record.manager_id;
    if (manager === null || (ids.has(manager) && manager !== record.employee_id)) continue;
    let message: string;
    if (manager === record.employee_id)
      message = 'employee is their own manager (manager_id = employee_id)';
    else if (rejectedRowById.has(manager)) {
      message = `manager_id ${show(manager)} was rejected (row ${rejectedRowById.get(manager)})`;
    } else if (!EMPLOYEE_ID.test(manager)) {
      message = `manager_id ${show(manager)} is not a valid employee id and matches no employee`;
    } else message = `manager_id ${show(manager)} is not an employee in this snapshot`;
    warnings.push({ row, employee_id: record.employee_id, message });
  }
  return warnings;
}
