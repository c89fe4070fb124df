/** Who may do what in the control plane: the five roles, from most to least powerful. */

/**
 * admin: everything; operator: runs and manual tasks; reviewer: only items assigned to them;
 * auditor: read-only, all evidence; requester: their own access only.
 */
export const ROLES = ['admin', 'operator', 'reviewer', 'auditor', 'requester'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: string): value is Role =>
  (ROLES as readonly string[]).includes(value);
