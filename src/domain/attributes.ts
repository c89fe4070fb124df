/** The attributes policies see: every HR field, `status` as the effective status, and `display_name`. */
import type { HrRecord, Identity, IdentityStatus } from './types.js';
import { HR_FIELDS } from './types.js';

/**
 * Names usable in policy conditions and templates:
 * - the HR fields: employee_id, first_name, last_name, preferred_name, email, department, title,
 *   manager_id, location, employment_type, start_date, end_date (null when absent);
 * - `status`: the identity's *effective* status (pre-hire | active | leave | terminated), not the
 *   raw HR status;
 * - `display_name`: preferred name (or first name when it is null/blank) + ' ' + last name.
 */
export const ATTRIBUTE_NAMES = [...HR_FIELDS, 'display_name'] as const;
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];
export type Attributes = Record<string, string | null>;

export function displayName(rec: HrRecord): string {
  const given = rec.preferred_name?.trim() ? rec.preferred_name : rec.first_name;
  return `${given} ${rec.last_name}`;
}

/** The attribute record conditions and templates are evaluated against. */
export function identityAttributes(
  identity: Identity,
  status: IdentityStatus = identity.status,
): Attributes {
  const a = identity.attributes;
  return {
    employee_id: a.employee_id,
    first_name: a.first_name,
    last_name: a.last_name,
    preferred_name: a.preferred_name,
    email: a.email,
    department: a.department,
    title: a.title,
    manager_id: a.manager_id,
    location: a.location,
    employment_type: a.employment_type,
    status,
    start_date: a.start_date,
    end_date: a.end_date,
    display_name: displayName(a),
  };
}
