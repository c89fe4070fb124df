/** tenure.yaml `sources[]` with `type: file`: an HR export (CSV/JSON) read as a snapshot. */
import { z } from 'zod';
import { EMPLOYMENT_TYPES, HR_STATUSES } from '../../domain/types.js';
import { sourceIdSchema, webhookSchema } from '../common/config.js';

export const fileSourceSchema = z.strictObject({
  id: sourceIdSchema,
  type: z.enum(['file']),
  path: z.string().min(1),
  format: z.enum(['csv', 'json']).optional(),
  /** Tenure field -> column name in the export, for exports that don't use Tenure's header. */
  columns: z.record(z.string(), z.string()).optional(),
  /** The export's own words for a status or an employment type ⟶ Tenure's (docs/hr-sources.md). */
  values: z
    .strictObject({
      status: z.record(z.string().min(1), z.enum(HR_STATUSES)).optional(),
      employment_type: z.record(z.string().min(1), z.enum(EMPLOYMENT_TYPES)).optional(),
    })
    .optional(),
  /** Full snapshots flag people who vanish; partial ones don't. */
  snapshot: z.enum(['full', 'partial']).default('full'),
  /** Signed change events: POST /api/v1/sources/{id}/events (docs/scheduler.md). */
  webhook: webhookSchema.optional(),
});

export type FileSourceConfig = z.infer<typeof fileSourceSchema>;
