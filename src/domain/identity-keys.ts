/**
 * Identity keys compare ignoring case, as directories do: `E1100` and `e1100` are one person, so
 * an HR system re-spelling an id must not make a joiner (a second LDAP account) while the stored
 * identity is held as missing. The stored spelling is kept — accounts, grants, history and the
 * audit trail already name it — and records are re-spelled to it before the snapshot diff.
 */
import type { HrRecord } from './types.js';

/** The comparison key of an employee id (ids are ASCII: see EMPLOYEE_ID). */
export const foldId = (id: string): string => id.toLowerCase();

export type Respelling = { row: number; from: string; to: string };

/**
 * Each record's `employee_id` (and `manager_id`) re-spelled as the stored identity's id when
 * they match it ignoring case; a manager new in this read is spelled as their own row spells it.
 * Ids within one read never differ only in case: those rows were rejected before.
 */
export function respellIds<T extends { row: number; record: HrRecord }>(
  records: readonly T[],
  storedIds: Iterable<string>,
): { records: T[]; respelled: Respelling[] } {
  const canonical = new Map<string, string>();
  for (const id of storedIds) canonical.set(foldId(id), id);
  for (const { record } of records) {
    const key = foldId(record.employee_id);
    if (!canonical.has(key)) canonical.set(key, record.employee_id);
  }
  const respelled: Respelling[] = [];
  const out = records.map((r) => {
    const id = canonical.get(foldId(r.record.employee_id))!;
    const m = r.record.manager_id;
    const manager = m === null ? null : (canonical.get(foldId(m)) ?? m);
    if (id === r.record.employee_id && manager === m) return r;
    if (id !== r.record.employee_id)
      respelled.push({ row: r.row, from: r.record.employee_id, to: id });
    return { ...r, record: { ...r.record, employee_id: id, manager_id: manager } };
  });
  return { records: out, respelled };
}
