/**
 * The generic HR change event: `{ "employee_id", "event_id"?, "record"?: { HR fields } }`, parsed
 * and turned into a validated HrRecord with the HR file source's own record validator.
 */
import { z } from 'zod';
import { formatIssues } from '../../config/format-issues.js';
import { TenureError } from '../../domain/errors.js';
import { HR_FIELDS, type HrRecord } from '../../domain/types.js';
import { validateRecord } from '../../sources/file/validate-record.js';

const fieldValue = z.union([z.string(), z.number(), z.null()]);

export const eventBodySchema = z.strictObject({
  employee_id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1–64 characters of A–Z, a–z, 0–9, ".", "_" or "-"'),
  /** The sender's id for this change: a second delivery of it within the window is a replay. */
  event_id: z.string().min(1).max(200).optional(),
  /** The person's HR fields. For a known person, absent fields keep their value; null clears. */
  record: z.record(z.string(), fieldValue).optional(),
});
export type EventBody = z.infer<typeof eventBodySchema>;

const invalid = (problems: string[]) =>
  new TenureError('webhook.invalid', `invalid event: ${problems.join('; ')}`, { problems });

export function parseEventBody(raw: Buffer): EventBody {
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw invalid([`the body is not JSON (${(e as Error).message})`]);
  }
  const parsed = eventBodySchema.safeParse(doc);
  if (!parsed.success) throw invalid(formatIssues(parsed.error.issues));
  return parsed.data;
}

const text = (v: string | number | null | undefined): string | undefined =>
  v === undefined ? undefined : v === null ? '' : String(v);

/** The event's record over what Tenure knows (`prev`), validated like a row of an HR file. */
export function eventRecord(body: EventBody, prev: HrRecord | undefined): HrRecord {
  const fields = body.record ?? {};
  const problems: string[] = [];
  for (const key of Object.keys(fields)) {
    if (!(HR_FIELDS as readonly string[]).includes(key))
      problems.push(`record.${key}: unknown HR field (known: ${HR_FIELDS.join(', ')})`);
  }
  const sent = fields.employee_id;
  if (sent !== undefined && String(sent) !== body.employee_id)
    problems.push(
      `record.employee_id: "${sent}" is not the event's employee_id "${body.employee_id}"`,
    );
  if (problems.length > 0) throw invalid(problems);
  const values = HR_FIELDS.map((f) =>
    f === 'employee_id' ? body.employee_id : (text(fields[f]) ?? text(prev?.[f])),
  );
  const v = validateRecord(values);
  if (!v.ok) throw invalid(v.errors.map((e) => `record: ${e}`));
  return v.record;
}
