/** Who may do what in the control plane: the five roles, from most to least powerful. */

/**
 * admin: everything; operator: runs and manual tasks; reviewer: only items assigned to them;
 * auditor: read-only, all evidence; requester: their own access only.
 */
export const ROLES = ['admin', 'operator', 'reviewer', 'auditor', 'requester'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: string): value is Role =>
  (ROLES as readonly string[]).includes(value);

/**
 * Whether `holder` may do everything `role` may. The roles are not a line: an operator and an
 * auditor each hold powers the other lacks; admin holds all, and everyone holds a requester's.
 */
export const covers = (holder: Role, role: Role): boolean =>
  holder === role || holder === 'admin' || role === 'requester';

/** The most that a caller limited by both `a` and `b` may do (a token and its owner's role). */
export const meetRole = (a: Role, b: Role): Role =>
  covers(b, a) ? a : covers(a, b) ? b : 'requester';

/** Whether `holder` may hand `role` to someone else: a strictly smaller role than its own. */
export const outranks = (holder: Role, role: Role): boolean =>
  holder !== role && covers(holder, role);
