/** tenure.yaml `audit:` — where each signed checkpoint is also recorded outside the database. */
import { z } from 'zod';
import { secretRef } from '../domain/secret-ref.js';

// As in server-schema.ts: a local copy, since schema.ts imports this file.
export const witnessSchema = z.strictObject({
  /**
   * An append-only file (ideally on another host's mount, e.g. a WORM share): one JSON line per
   * checkpoint. Relative paths are resolved against the workspace. `audit verify` reads it back.
   */
  file: z.string().min(1).optional(),
  /** POSTed one JSON record per checkpoint; signed with X-Tenure-Signature when `secret` is set. */
  webhook: z
    .strictObject({
      url: z.url(),
      secret: secretRef.optional(),
      timeout_seconds: z.number().min(0.1).max(60).default(5),
    })
    .optional(),
  /** RFC 5424 over UDP, facility log audit (13): for a SIEM or a remote syslog host. */
  syslog: z
    .strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(514),
    })
    .optional(),
});

export const auditSchema = z.strictObject({
  witness: witnessSchema.prefault({}),
});

export type WitnessConfig = z.infer<typeof witnessSchema>;
