/** tenure.yaml `sources[]` with `type: hibob`: service user, field paths, lifecycle states. */
import { z } from 'zod';
import { secretRef } from '../../domain/secret-ref.js';
import {
  apiUrl,
  fieldsSchema,
  httpSchema,
  sourceIdSchema,
  statesSchema,
  webhookSchema,
} from '../common/config.js';
import { PERSON_INPUTS } from '../common/person.js';

/** Tenure's inputs, each read from one HiBob field path (docs/hr-sources.md#hibob). */
export const HIBOB_INPUTS = [
  'id',
  'employee_id',
  ...PERSON_INPUTS,
  'employment_type',
  'lifecycle_status',
  'record_status',
  'start_date',
  'termination_date',
] as const;
export type HibobInput = (typeof HIBOB_INPUTS)[number];

/**
 * HiBob people-read field paths (apidocs.hibob.com/docs/people-read-api-contract). A path may end
 * in `.id`, `.email` or `.displayName` to pick from an object field (`work.reportsTo`). No
 * employment-type path is given by default: map one (often a custom field) to tell contractors,
 * otherwise everyone is `employee`.
 */
export const HIBOB_FIELDS: Record<HibobInput, string | undefined> = {
  id: 'root.id',
  employee_id: 'root.id',
  first_name: 'root.firstName',
  last_name: 'root.surname',
  preferred_name: undefined,
  email: 'root.email',
  department: 'work.department',
  title: 'work.title',
  manager_id: 'work.reportsTo.id',
  location: 'work.site',
  employment_type: undefined,
  lifecycle_status: 'internal.lifecycleStatus',
  record_status: 'internal.status',
  start_date: 'work.startDate',
  termination_date: 'internal.terminationDate',
};

const fieldPath = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$/, 'must be a field path like "work.title"');

export const hibobConfigSchema = z.strictObject({
  id: sourceIdSchema,
  type: z.literal('hibob'),
  /** The API service user (Bob: Settings ⟶ Integrations ⟶ Service users). */
  service_user: z.strictObject({
    /** Its id: not a secret, named in error messages. */
    id: z.string().min(1).max(200),
    token: secretRef,
  }),
  /** Default https://api.hibob.com/v1 (sandbox: https://api.sandbox.hibob.com/v1). */
  base_url: apiUrl.optional(),
  /** Tenure input -> HiBob field path, for what differs from the defaults. */
  fields: fieldsSchema(HIBOB_INPUTS, fieldPath),
  /** Values of `internal.lifecycleStatus` (leave, terminated) and of the employment type field. */
  states: statesSchema({
    leave: ['leave', 'parental leave', 'garden leave', 'sick leave', 'leave of absence'],
    terminated: ['terminated'],
    contractor: ['contractor', 'contingent', 'freelancer'],
  }),
  /** The webhook secret (Bob: Settings ⟶ Integrations ⟶ Webhooks, v2). */
  webhook: webhookSchema.optional(),
  http: httpSchema,
});
export type HibobConfig = z.infer<typeof hibobConfigSchema>;
