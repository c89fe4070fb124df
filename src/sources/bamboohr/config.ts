/** tenure.yaml `sources[]` with `type: bamboohr`: where, which credential, which fields, which states. */
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

/** Tenure's inputs, each read from one BambooHR field (docs/hr-sources.md#bamboohr). */
export const BAMBOOHR_INPUTS = [
  'id',
  'employee_id',
  ...PERSON_INPUTS,
  'employment_status',
  'employment_type',
  'record_status',
  'hire_date',
  'rehire_date',
  'termination_date',
] as const;
export type BambooInput = (typeof BAMBOOHR_INPUTS)[number];

/**
 * BambooHR API field names (documentation.bamboohr.com/docs/list-of-field-names). `supervisorId`
 * is the supervisor's employeeNumber, `supervisorEId` their internal id: with the default
 * employee_id (employeeNumber), supervisorId is the matching manager reference.
 * `employment_type` is unset: it is derived from `employment_status` (Contractor ⟶ contractor).
 */
export const BAMBOOHR_FIELDS: Record<BambooInput, string | undefined> = {
  id: 'id',
  employee_id: 'employeeNumber',
  first_name: 'firstName',
  last_name: 'lastName',
  preferred_name: 'preferredName',
  email: 'workEmail',
  department: 'department',
  title: 'jobTitle',
  manager_id: 'supervisorId',
  location: 'location',
  employment_status: 'employmentHistoryStatus',
  employment_type: undefined,
  record_status: 'status',
  hire_date: 'hireDate',
  rehire_date: 'rehireDate',
  termination_date: 'terminationDate',
};

export const bamboohrConfigSchema = z.strictObject({
  id: sourceIdSchema,
  type: z.literal('bamboohr'),
  /** The part before .bamboohr.com. */
  company_domain: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, 'the part before .bamboohr.com, e.g. "acme"'),
  /** BambooHR API key (sent as the Basic user name). */
  api_key: secretRef,
  /** Default https://<company_domain>.bamboohr.com; a proxy or a test server otherwise. */
  base_url: apiUrl.optional(),
  /** Tenure input -> BambooHR field name, for what differs from the defaults. */
  fields: fieldsSchema(BAMBOOHR_INPUTS),
  /** Values of the employment status field (`employmentHistoryStatus`). */
  states: statesSchema({
    leave: ['Leave of Absence'],
    terminated: ['Terminated'],
    contractor: ['Contractor'],
  }),
  /** The webhook's private key (shown once by BambooHR when the webhook is created). */
  webhook: webhookSchema.optional(),
  http: httpSchema,
});
export type BambooConfig = z.infer<typeof bamboohrConfigSchema>;
