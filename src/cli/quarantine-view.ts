/** How the CLI prints a quarantined HR row: a critical one (a leaver kept on hold) says so first. */

type Rejection = {
  row: number;
  employee_id: string | null;
  reason: string;
  severity: 'critical' | 'error';
};

/** `CRITICAL` explains itself: the person stays as they were, access included. */
export const CRITICAL_NOTE = 'says terminated: access is kept until the row is fixed';

export function rejectionLine(r: Rejection): string {
  const who = r.employee_id ? ` (${r.employee_id})` : '';
  const head = r.severity === 'critical' ? `CRITICAL rejected row` : 'rejected row';
  const note = r.severity === 'critical' ? ` [${CRITICAL_NOTE}]` : '';
  return `${head} ${r.row}${who}${note}: ${r.reason}`;
}
