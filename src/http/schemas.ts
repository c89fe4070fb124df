/**
 * The API's zod schemas: requests are strict (unknown fields are 400s), responses are the shapes
 * clients get. OpenAPI is generated from these same objects (openapi.ts).
 */
import { z } from 'zod';
import { TenureError } from '../domain/errors.js';
import { ROLES } from '../domain/roles.js';

export const roleSchema = z.enum(ROLES);
export const identityStatusSchema = z.enum(['pre-hire', 'active', 'leave', 'terminated']);
export const outcomeSchema = z.enum(['success', 'failure', 'pending_manual']);

export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    code: z.string().describe('stable error code, e.g. auth.forbidden'),
    instance: z.string(),
    request_id: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** Added to every route's responses: the problem+json shape of its 4xx and 5xx answers. */
export const errors = { '4xx': problemSchema, '5xx': problemSchema } as const;

/** A redirect answer (no body) to `where`: the success response of a browser sign-in step. */
export const redirect = (where: string) =>
  z.null().meta({
    description: `Redirect to ${where}`,
    headers: { location: { type: 'string', description: 'where the browser goes next' } },
  });

export const hrRecordSchema = z.object({
  employee_id: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  preferred_name: z.string().nullable(),
  email: z.string(),
  department: z.string(),
  title: z.string(),
  manager_id: z.string().nullable(),
  location: z.string(),
  employment_type: z.string(),
  status: z.enum(['active', 'leave', 'terminated']),
  start_date: z.string(),
  end_date: z.string().nullable(),
});

export const identitySchema = z
  .object({
    id: z.string(),
    source_id: z.string(),
    attributes: hrRecordSchema,
    status: identityStatusSchema,
    missing_from_source: z.boolean(),
    updated_at: z.string(),
  })
  .meta({ id: 'Identity' });

export const accountSchema = z
  .object({
    app_id: z.string(),
    account_id: z.string(),
    identity_id: z.string().nullable(),
    attributes: z.record(z.string(), z.string()),
    container: z.string().nullable(),
    enabled: z.boolean(),
    entitlements: z.array(z.string()),
  })
  .meta({ id: 'Account' });

export const grantSchema = z
  .object({
    id: z.string(),
    identity_id: z.string(),
    app_id: z.string(),
    entitlement_id: z.string(),
    reason: z.string(),
    expires_at: z.string().nullable(),
  })
  .meta({ id: 'Grant' });

export const historyRowSchema = z.object({
  identity_id: z.string(),
  valid_from: z.string(),
  valid_to: z.string().nullable(),
  status: identityStatusSchema,
  attributes: hrRecordSchema,
  events: z.array(z.string()),
});

export const accessRowSchema = z.object({
  app_id: z.string(),
  account_id: z.string(),
  identity_id: z.string().nullable(),
  entitlement_id: z.string().nullable(),
  valid_from: z.string(),
  valid_to: z.string().nullable(),
});

export const operationSchema = z
  .object({
    key: z.string(),
    kind: z.string(),
    app_id: z.string(),
    identity_id: z.string().nullable(),
    account_id: z.string(),
    attributes: z.record(z.string(), z.string()).optional(),
    container: z.string().nullable().optional(),
    enabled: z.boolean().optional(),
    entitlement: z.string().optional(),
    task: z
      .object({
        action: z.string(),
        summary: z.string(),
        assignee: z.string().optional(),
        instructions: z.string().optional(),
      })
      .optional(),
    reasons: z.array(z.string()),
    lifecycle: z.array(z.string()),
  })
  .meta({ id: 'Operation' });

/** `tenure plan --json`'s `summary`: direct operations by sign, manual tasks apart. */
export const planSummarySchema = z
  .object({
    to_add: z.number().int(),
    to_change: z.number().int(),
    to_remove: z.number().int(),
    manual_tasks: z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'PlanSummary' });

/**
 * `tenure plan --json`'s `by_identity` (engine/runs/plan-groups.ts): one group per person, a
 * reason header (`why`), their changes by application, each with its sign and old → new values.
 */
export const planGroupSchema = z
  .object({
    identity_id: z.string().nullable().describe('null: accounts linked to no identity'),
    name: z.string().nullable(),
    why: z.string().describe('e.g. "leaver: terminated 2026-11-27"'),
    applications: z.array(
      z.object({
        app_id: z.string(),
        changes: z.array(
          z.object({
            sign: z.enum(['+', '-', '~']).describe('+ add access, - take it away, ~ change'),
            key: z.string().describe("the operation's key (see `operations`)"),
            kind: z.string(),
            text: z.string().describe('e.g. "revoke sales from jdoe"'),
            reasons: z.array(z.string()),
            details: z.array(z.string()).describe('updates and moves: name: "old" → "new"'),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'PlanGroup' });

export const runSchema = z
  .object({
    id: z.string(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
    status: z.enum(['planned', 'held', 'applying', 'done', 'failed', 'interrupted']),
    trigger: z.string(),
    actor: z.string(),
    dry_run: z.boolean(),
    held_reason: z.string().nullable(),
    approved_by: z.string().nullable(),
    summary: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Run' });

export const taskSchema = z
  .object({
    id: z.number().int(),
    run_id: z.string(),
    op: operationSchema,
    app_id: z.string(),
    identity_id: z.string().nullable(),
    /** The holder's display name (preferred or first name + last name); null if not known. */
    identity_name: z.string().nullable().optional(),
    summary: z.string(),
    assignee: z.string().nullable(),
    instructions: z.string().nullable(),
    status: z.enum(['open', 'closed', 'cancelled']),
    created_at: z.string(),
    closed_at: z.string().nullable(),
    closed_by: z.string().nullable(),
    evidence: z.string().nullable(),
  })
  .meta({ id: 'ManualTask' });

export const auditEventSchema = z
  .object({
    seq: z.number().int(),
    ts: z.string(),
    action: z.string(),
    actor: z.string(),
    trigger: z.string(),
    target: z.string(),
    outcome: outcomeSchema,
    details: z.string().describe('canonical JSON, exactly as hashed'),
    prev_hash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export const userSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    display_name: z.string(),
    email: z.string().nullable(),
    role: roleSchema,
    disabled: z.boolean(),
    identity_id: z.string().nullable(),
    oidc_subject: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'User' });

export const apiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    user_id: z.string().nullable(),
    created_by: z.string(),
    created_at: z.string(),
    expires_at: z.string(),
    revoked_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
    state: z.enum(['active', 'revoked', 'expired']),
  })
  .meta({ id: 'ApiToken' });

/** `{ items, next }`: pass `next` back as `cursor` for the following page; null at the end. */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next: z.string().nullable() });

/** The identities list: a page and how many identities its filters select in all. */
export const identityPageSchema = page(identitySchema).extend({
  total: z.number().int().describe('identities the filters select, all pages'),
});

export const pageQuery = {
  cursor: z.string().max(1024).optional().describe('the `next` value of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
};

/** The longest path parameter: the router (maxParamLength) refuses longer ones with 414. */
export const MAX_PARAM_LENGTH = 256;
export const idParams = z.strictObject({ id: z.string().min(1).max(MAX_PARAM_LENGTH) });

export const isoTimestamp = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO-8601 timestamp')
  .transform((s) => new Date(s).toISOString());

/** Opaque keyset cursors: the key of the last item, base64url JSON. */
export const encodeCursor = (key: unknown): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor<T>(cursor: string | undefined, guard: z.ZodType<T>): T | undefined {
  if (cursor === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const parsed = guard.safeParse(value);
  if (!parsed.success)
    throw new TenureError('request.bad_cursor', 'querystring.cursor: not a cursor this API issued');
  return parsed.data;
}

/** Fetch limit+1 rows; the extra one only says whether there is a next page. */
export function toPage<T>(rows: T[], limit: number, keyOf: (t: T) => unknown) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    next: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
