/** tenure.yaml `schedules:`: what `tenure serve` runs periodically. */
import { z } from 'zod';

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "30s", "5m", "1h", "1d" → milliseconds; undefined if it is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

const duration = z
  .string()
  .refine(
    (s) => parseDuration(s) !== undefined,
    'must be a duration like "30s", "5m", "1h" or "1d"',
  )
  .refine((s) => (parseDuration(s) ?? 0) >= 1_000, 'must be at least 1s');

const schedule = (every: string) =>
  z
    .strictObject({
      every: duration.default(every),
      enabled: z.boolean().default(true),
    })
    .prefault({});

export const schedulesSchema = z
  .strictObject({
    /** Import every source, then plan and apply (the `tenure run` job). */
    import_and_run: schedule('1h'),
    /** Plan and apply without importing: scheduled leavers at their local end of day, pre-hires. */
    lifecycle_tick: schedule('5m'),
    /** Read the applications and compare with what Tenure believes (when this build has it). */
    reconcile: schedule('24h'),
  })
  .prefault({});

export type SchedulesConfig = z.infer<typeof schedulesSchema>;
export type ScheduleName = keyof SchedulesConfig;
