/** tenure.yaml `sources[]` with `type: workday`: the RaaS report, the ISU, the report's field paths. */
import { z } from 'zod';
import { secretRef } from '../../domain/secret-ref.js';
import {
  apiUrl,
  fieldsSchema,
  httpSchema,
  sourceIdSchema,
  webhookSchema,
} from '../common/config.js';
import { PERSON_INPUTS } from '../common/person.js';

/** Tenure's inputs, each read from one field path of a `Report_Entry` (docs/hr-sources.md#workday). */
export const WORKDAY_INPUTS = [
  'worker_id',
  'wid',
  ...PERSON_INPUTS,
  'worker_type',
  'active',
  'on_leave',
  'hire_date',
  'termination_date',
  'last_day_of_work',
] as const;
export type WorkdayInput = (typeof WORKDAY_INPUTS)[number];

/**
 * Default report column aliases, named after the Workday fields they hold (wd:Worker_ID,
 * Worker_Status_Data/Active, Hire_Date, Termination_Date, Termination_Last_Day_of_Work, On_Leave,
 * Position_Data/Business_Title, the supervisory organisation, the manager's Worker_ID). A RaaS
 * report's keys are whatever its author called the columns: map yours under `fields:`.
 */
export const WORKDAY_FIELDS: Record<WorkdayInput, string | undefined> = {
  worker_id: 'Worker_ID',
  wid: 'WID',
  first_name: 'First_Name',
  last_name: 'Last_Name',
  preferred_name: 'Preferred_Name',
  email: 'Work_Email',
  department: 'Supervisory_Organization',
  title: 'Business_Title',
  manager_id: 'Manager_Worker_ID',
  location: 'Location',
  worker_type: 'Worker_Type',
  active: 'Active',
  on_leave: 'On_Leave',
  hire_date: 'Hire_Date',
  termination_date: 'Termination_Date',
  last_day_of_work: 'Termination_Last_Day_of_Work',
};

const promptName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_]{0,99}$/,
    'must be a report prompt name like "Effective_as_of_Date"',
  );

export const workdayConfigSchema = z.strictObject({
  id: sourceIdSchema,
  type: z.literal('workday'),
  /** https://{host}/ccx/service/customreport2/{tenant}/{owner}/{report} (format=json is added). */
  report_url: apiUrl,
  /** The integration system user (ISU): Basic auth. */
  username: z.string().min(1).max(200),
  password: secretRef,
  /** Fixed prompt values sent with every read (query parameters). */
  prompts: z.record(promptName, z.string()).default({}),
  /** A prompt that limits the report to one Worker_ID: webhooks then re-read one worker, not all. */
  worker_prompt: promptName.optional(),
  /** Tenure input -> path in a Report_Entry (`Manager.Worker_ID`, `Emails[0].Address`). */
  fields: fieldsSchema(
    WORKDAY_INPUTS,
    z
      .string()
      .regex(
        /^[A-Za-z_][A-Za-z0-9_-]*(\[\d+\])?(\.[A-Za-z_][A-Za-z0-9_-]*(\[\d+\])?)*$/,
        'must be a path like "Worker_ID" or "Manager.Worker_ID"',
      ),
  ),
  states: z
    .strictObject({
      /** Worker_Type values meaning a contingent worker: Tenure `employment_type: contractor`. */
      contractor: z.array(z.string().min(1)).default(['Contingent Worker']),
    })
    .prefault({}),
  /** Signed change notices (X-Tenure-Signature) from an integration: re-read that worker. */
  webhook: webhookSchema.optional(),
  http: httpSchema,
});
export type WorkdayConfig = z.infer<typeof workdayConfigSchema>;
