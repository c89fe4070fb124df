/** The review API's shapes: campaigns, items, sign-offs and decision requests, as zod (and so OpenAPI). */
import { z } from 'zod';

export { decisionSchema } from '../../../config/reviews-schema.js';

import {
  ASSIGNMENT_ROUTES,
  CAMPAIGN_STATUSES,
  DECISIONS,
  REASON_KINDS,
} from '../../../domain/governance/campaign.js';

export const campaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(CAMPAIGN_STATUSES),
    definition: z.record(z.string(), z.unknown()).describe('the campaign definition as created'),
    stage: z.number().int().describe('0 while a draft, then the stage under review'),
    created_at: z.string(),
    created_by: z.string(),
    launched_at: z.string().nullable(),
    launched_by: z.string().nullable(),
    closed_at: z.string().nullable(),
    closed_by: z.string().nullable(),
    snapshot_sha256: z
      .string()
      .nullable()
      .describe('SHA-256 of the access snapshot, also in the audit chain'),
    snapshot_items: z.number().int().nullable(),
    summary: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'ReviewCampaign' });

export const itemSchema = z
  .object({
    id: z.number().int(),
    campaign_id: z.string(),
    stage: z.number().int(),
    seq: z.number().int(),
    identity_id: z.string(),
    app_id: z.string(),
    account_id: z.string(),
    entitlement_id: z.string().nullable(),
    privileged: z.boolean(),
    reason: z.object({
      kind: z.enum(REASON_KINDS),
      ref: z.string().nullable(),
      all: z.array(z.string()),
    }),
    since: z.string().nullable(),
    peers: z.object({ holders: z.number().int(), peers: z.number().int() }).nullable(),
    recommendation: z.object({ recommendation: z.enum(['keep', 'revoke']), reason: z.string() }),
    last_used: z.object({
      value: z.string().describe("ISO timestamp or 'unknown'"),
      source: z.string().nullable(),
      precision: z.string().nullable(),
    }),
    reviewer: z.string(),
    assigned_via: z.enum(ASSIGNMENT_ROUTES),
    assigned_from: z.string().nullable(),
    decision: z.enum(DECISIONS).nullable(),
    justification: z.string().nullable(),
    modify_to: z.string().nullable(),
    decided_by: z.string().nullable(),
    decided_at: z.string().nullable(),
    defaulted: z.boolean(),
    signed_off: z.boolean(),
    version: z
      .number()
      .int()
      .describe('send it back as expected_version to detect a concurrent change'),
    remediation: z.unknown().nullable(),
  })
  .meta({ id: 'ReviewItem' });

export const signoffSchema = z
  .object({
    campaign_id: z.string(),
    stage: z.number().int(),
    reviewer: z.string(),
    actor: z.string(),
    at: z.string(),
    method: z.enum(['password', 'oidc']),
    meaning: z.string(),
    statement_sha256: z.string(),
    items: z.number().int(),
  })
  .meta({ id: 'ReviewSignoff' });

export const campaignParams = z.strictObject({ id: z.string().min(1).max(256) });
export const itemParams = z.strictObject({ id: z.coerce.number().int().positive() });
