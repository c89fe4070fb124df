/** The scim connector's settings (tenure.yaml `applications[].settings`), validated by zod. */
import { z } from 'zod';
import { secretRef } from '../../domain/secret-ref.js';
import { isReserved, parsePath } from './paths.js';

export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const scimPath = z.string().superRefine((v, ctx) => {
  try {
    if (isReserved(parsePath(v)))
      ctx.addIssue({ code: 'custom', message: `"${v}" is managed by the connector itself` });
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http:// or https:// URL');

export type ScimAuthSettings =
  | { type: 'bearer'; token: string }
  | {
      type: 'oauth_client_credentials';
      url: string;
      client_id: string;
      client_secret: string;
      scope?: string;
      client_auth: 'basic' | 'post';
    };

const AUTH_KEYS = {
  bearer: { required: ['token'], allowed: ['token'] },
  oauth_client_credentials: {
    required: ['url', 'client_id', 'client_secret'],
    allowed: ['url', 'client_id', 'client_secret', 'scope', 'client_auth'],
  },
} as const;

/**
 * Bearer token, or OAuth 2.0 client credentials. One object checked by `type` rather than a
 * union, so an error names the exact key. The token endpoint is `url`, not `token_url`:
 * tenure.yaml refuses inline values under keys that look like secrets ("token").
 */
const authSchema = z
  .strictObject({
    type: z.enum(['bearer', 'oauth_client_credentials']),
    token: secretRef.optional(),
    /** The token endpoint. */
    url: httpUrl.optional(),
    client_id: z.string().min(1).optional(),
    client_secret: secretRef.optional(),
    scope: z.string().min(1).optional(),
    /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
    client_auth: z.enum(['basic', 'post']).optional(),
  })
  .superRefine((a, ctx) => {
    const keys = AUTH_KEYS[a.type];
    for (const k of keys.required)
      if (a[k] === undefined)
        ctx.addIssue({ code: 'custom', path: [k], message: `required with type ${a.type}` });
    for (const [k, v] of Object.entries(a))
      if (k !== 'type' && v !== undefined && !(keys.allowed as readonly string[]).includes(k))
        ctx.addIssue({ code: 'custom', path: [k], message: `not used with type ${a.type}` });
  })
  .transform(
    (a): ScimAuthSettings =>
      a.type === 'bearer'
        ? { type: 'bearer', token: a.token! }
        : {
            type: 'oauth_client_credentials',
            url: a.url!,
            client_id: a.client_id!,
            client_secret: a.client_secret!,
            ...(a.scope ? { scope: a.scope } : {}),
            client_auth: a.client_auth ?? 'basic',
          },
  );

/** An entitlement's group: its displayName, or `{ id }` to pin an existing group. */
const groupRef = z.custom<string | { id: string }>(
  (v) =>
    (typeof v === 'string' && v.length > 0) ||
    (typeof v === 'object' &&
      v !== null &&
      Object.keys(v).length === 1 &&
      typeof (v as { id?: unknown }).id === 'string' &&
      (v as { id: string }).id.length > 0),
  { error: 'must be a group displayName or { id: "<SCIM group id>" }' },
);

const ms = (def: number, max = 600_000) => z.number().int().min(0).max(max).default(def);

export const scimSettingsSchema = z.strictObject({
  /** The SCIM service root, e.g. https://api.example.com/scim/v2 */
  base_url: httpUrl,
  auth: authSchema,
  /** What becomes userName at creation: `account_id`, or the name of an operation attribute. */
  user_name: z.string().min(1).default('account_id'),
  /** Tenure attribute (policy `attributes:` key) -> SCIM path. Known core paths map to themselves. */
  attributes: z.record(z.string(), scimPath).default({}),
  /** Where the HR employee id is written at creation and read back from; null = nowhere. */
  employee_id: scimPath.nullable().default(`${ENTERPRISE_USER}:employeeNumber`),
  /** Where a policy's `container` is kept (account.move); unset = the application has none. */
  container: scimPath.optional(),
  /** What account.delete does: `disable` (many SaaS apps never delete) or a real DELETE. */
  deprovision: z.enum(['disable', 'delete']).default('disable'),
  /** Entitlement id -> group displayName or `{ id }`; default: the group whose displayName is the id. */
  groups: z.record(z.string(), groupRef).default({}),
  /** Create a missing group (by displayName) on its first grant. */
  create_groups: z.boolean().default(true),
  /** read(): every group as an entitlement (unmapped ones by displayName), or only `groups`. */
  read_groups: z.enum(['all', 'mapped']).default('all'),
  /**
   * Users looked up per request before creates: 1 sends `userName eq "x"` (what every server
   * supports); more joins names with `or`. A server that refuses `or` (400) gets single lookups.
   */
  lookup_batch: z.number().int().min(1).max(100).default(1),
  /** Page size of reconciliation reads (startIndex/count or cursor). */
  page_size: z.number().int().min(1).max(1_000).default(100),
  /** `auto` uses RFC 9865 cursors when ServiceProviderConfig offers them, else startIndex. */
  pagination: z.enum(['auto', 'index', 'cursor']).default('auto'),
  /** Operations (accounts, groups) in flight at once. */
  concurrency: z.number().int().min(1).max(64).default(8),
  /** Requests per second to this application (token bucket); null = no client-side limit. */
  rate_limit: z.number().positive().max(10_000).nullable().default(null),
  /** Requests allowed at once above the rate (bucket size); default: one second's worth. */
  rate_burst: z.number().int().min(1).max(10_000).optional(),
  /** Per request. */
  timeout_ms: z.number().int().min(100).max(600_000).default(30_000),
  /** Retries of transient failures (network, timeout, 5xx, 412) and of 429/503 answers. */
  retries: z.number().int().min(0).max(10).default(3),
  retry_backoff_ms: ms(200, 60_000),
  /** A Retry-After longer than this fails the operation instead of stalling the run. */
  max_retry_after_ms: ms(120_000, 3_600_000),
  /** Send If-Match with the resource's meta.version when the server returns one. */
  etag: z.boolean().default(true),
  quirks: z
    .strictObject({
      /** `path`: {op: replace, path: active}; `value`: {op: replace, value: {active}} (Okta style). */
      patch_active: z.enum(['path', 'value']).default('path'),
      /** `filter`: remove path members[value eq "id"] (RFC); `value`: path members + value list (Entra). */
      members_remove: z.enum(['filter', 'value']).default('filter'),
      /** `put`: user updates replace the whole resource (servers without PATCH on users). */
      user_update: z.enum(['patch', 'put']).default('patch'),
    })
    .prefault({}),
});

export type ScimSettings = z.infer<typeof scimSettingsSchema>;
