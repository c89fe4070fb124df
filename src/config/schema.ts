/** tenure.yaml, as a zod schema: the single definition of what a workspace config may say. */
import { z } from 'zod';
import type { Application, CorrelationRule } from '../domain/application.js';
import { ATTRIBUTE_NAMES } from '../domain/attributes.js';
import type { Condition, Policy } from '../domain/policy.js';
import { compileTemplate } from '../domain/template.js';
import { bamboohrConfigSchema } from '../sources/bamboohr/config.js';
import { fileSourceSchema } from '../sources/file/config.js';
import { hibobConfigSchema } from '../sources/hibob/config.js';
import { workdayConfigSchema } from '../sources/workday/config.js';
import { agentsSchema } from './agents-schema.js';
import { auditSchema } from './audit-schema.js';
import { reviewsSchema } from './reviews-schema.js';
import { schedulesSchema } from './scheduler-schema.js';
import { authSchema, serverSchema } from './server-schema.js';

const id = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{0,62}$/,
    'must be lowercase letters, digits, "-" or "_", starting with a letter',
  );

const validRegex = z.string().refine((s) => {
  try {
    new RegExp(s, 'u');
    return true;
  } catch {
    return false;
  }
}, 'is not a valid regular expression');

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ equals: z.record(z.string(), z.string()) }),
    z.strictObject({ in: z.record(z.string(), z.array(z.string())) }),
    z.strictObject({ regex: z.record(z.string(), validRegex) }),
    z.strictObject({ and: z.array(conditionSchema).min(1) }),
    z.strictObject({ or: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

/**
 * One `sources[]` entry, by `type`: an HR file, or an HR system's API whose settings its source
 * module defines (src/sources/<type>/config.ts, docs/hr-sources.md). The type is checked first,
 * so a wrong one is named as such instead of failing every variant at once.
 */
export const sourceSchema = z
  .looseObject({
    type: z.enum(['file', 'bamboohr', 'hibob', 'workday'], {
      error: (i) =>
        `unknown source type ${JSON.stringify(i.input)} (known: file, bamboohr, hibob, workday)`,
    }),
  })
  .pipe(
    z.discriminatedUnion('type', [
      fileSourceSchema,
      bamboohrConfigSchema,
      hibobConfigSchema,
      workdayConfigSchema,
    ]),
  );

export const entitlementSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  owner: z.string().optional(),
  privileged: z.boolean().default(false),
});

const identityAttribute = z
  .string()
  .refine((a) => (ATTRIBUTE_NAMES as readonly string[]).includes(a), {
    error: (i) => `unknown identity attribute "${i.input}" (known: ${ATTRIBUTE_NAMES.join(', ')})`,
  });

const isTemplate = (t: string): boolean => {
  try {
    compileTemplate(t);
    return true;
  } catch {
    return false;
  }
};

/** `true` or a template; not a union, whose error would not say what was wrong. */
const accountIdRule = z.custom<true | string>(
  (v) => v === true || (typeof v === 'string' && isTemplate(v)),
  {
    error: (i) =>
      typeof i.input === 'string'
        ? `bad template "${i.input}" (fields: ${ATTRIBUTE_NAMES.join(', ')})`
        : 'must be true (the application\'s account_id template) or a template like "{email}"',
  },
);

/**
 * One reconciliation correlation rule: which identity an account read from the target belongs to.
 * Either `attribute` (+ optional `identity`) or `account_id`. Rules are tried in order; the first
 * that matches exactly one identity wins. One object (not a union) so errors name the exact key.
 */
export const correlationRuleSchema = z
  .strictObject({
    /** Account attribute as read; `employee_id` falls back to the connector's hint (e.g. employeeNumber). */
    attribute: z.string().min(1).optional(),
    /** Identity attribute it must equal; default: the same name. */
    identity: identityAttribute.optional(),
    /** true: the account id equals the application's `account_id` template; a string: this template. */
    account_id: accountIdRule.optional(),
    /** Compare case-insensitively (directories and mail systems mostly are). */
    ignore_case: z.boolean().default(true),
  })
  .superRefine((r, ctx) => {
    if ((r.attribute === undefined) === (r.account_id === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of "attribute" or "account_id"',
      });
    } else if (r.account_id !== undefined && r.identity !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['identity'],
        message: 'only with "attribute" (account_id rules compare with the account id template)',
      });
    } else if (
      r.attribute !== undefined &&
      r.identity === undefined &&
      !ATTRIBUTE_NAMES.some((a) => a === r.attribute)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['identity'],
        message: `required: "${r.attribute}" is not an identity attribute; say which one it equals (e.g. identity: employee_id)`,
      });
    }
  });

export const applicationSchema = z.strictObject({
  id,
  name: z.string().optional(),
  /** Checked against the connector registry in load-config, so the message can list known kinds. */
  connector: z.string(),
  owner: z.string().optional(),
  risk: z.enum(['low', 'medium', 'high']).default('medium'),
  route: z
    .string()
    .regex(/^(direct|agent:[A-Za-z0-9_-]+)$/, 'must be "direct" or "agent:<site>"')
    .default('direct'),
  /** Template for the account name given at creation. */
  account_id: z.string().default('{employee_id}'),
  /** What a leaver's account becomes. */
  deprovision: z.enum(['disable', 'delete']).default('disable'),
  settings: z.record(z.string(), z.unknown()).default({}),
  entitlements: z.array(entitlementSchema).default([]),
  /** Reconciliation: how accounts read from the target are matched to identities (docs/reconciliation.md). */
  correlation: z.array(correlationRuleSchema).min(1).optional(),
  /** Orphaned accounts: only report them, or also disable enabled ones in the next plan. */
  orphans: z.enum(['report', 'disable']).optional(),
});

export const policySchema = z.strictObject({
  id,
  description: z.string().optional(),
  when: conditionSchema.optional(),
  accounts: z
    .array(
      z.strictObject({
        application: z.string(),
        attributes: z.record(z.string(), z.string()).default({}),
        container: z.string().optional(),
        entitlements: z.array(z.string()).default([]),
      }),
    )
    .min(1),
});

export const configSchema = z.strictObject({
  version: z.literal(1).default(1),
  organisation: z.strictObject({
    name: z.string().min(1),
    time_zone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'is not an IANA time zone (e.g. "Europe/Paris")'),
  }),
  sources: z.array(sourceSchema).min(1),
  applications: z.array(applicationSchema).default([]),
  policies: z.array(policySchema).default([]),
  lifecycle: z
    .strictObject({
      prehire_days: z.number().int().min(0).max(90).default(3),
      /** Leave of absence: keep access, or disable accounts (entitlements are kept). */
      leave: z.enum(['keep', 'disable']).default('keep'),
      /** A person missing from a full snapshot: hold (flag only) or terminate. */
      missing_from_source: z.enum(['hold', 'terminate']).default('hold'),
    })
    .prefault({}),
  safety: z
    .strictObject({
      /** Hold a run that disables/deletes more than this share of an application's accounts. */
      max_deprovision_share: z.number().min(0).max(1).default(0.1),
      /** ...and at least this many accounts. */
      min_deprovision_count: z.number().int().min(0).default(5),
      /** Halt an import whose row count falls by more than this share against the previous one. */
      max_snapshot_drop: z.number().min(0).max(1).default(0.1),
    })
    .prefault({}),
  /** `tenure serve`: docs/api.md */
  server: serverSchema.prefault({}),
  auth: authSchema.prefault({}),
  /** What `tenure serve` runs periodically (docs/scheduler.md). */
  schedules: schedulesSchema,
  /** On-prem agents: poll wait, batch size, heartbeat, leases, offline alerts (docs/agent.md). */
  agents: agentsSchema.prefault({}),
  /** Recurring access-review campaigns (docs/reviews.md). */
  reviews: reviewsSchema,
  /** Anchors of the audit trail outside the database (docs/audit.md). */
  audit: auditSchema.prefault({}),
  store: z
    .strictObject({
      /** `${env:TENURE_DATABASE_URL}` or a literal `sqlite:` path; TENURE_DATABASE_URL overrides. */
      url: z.string().optional(),
    })
    .prefault({}),
});

export type TenureConfig = z.infer<typeof configSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;
export type EntitlementConfig = z.infer<typeof entitlementSchema>;

/** The domain owns these types (domain/application.ts, domain/policy.ts); the schemas map onto them. */
export type ApplicationConfig = Application;
export type PolicyConfig = Policy;
export type { Condition, CorrelationRule };

/** Compile-time: the schema's output is exactly the domain's type, so neither can drift alone. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const mapsOnto = <_T extends true>() => undefined;
mapsOnto<Same<z.infer<typeof applicationSchema>, Application>>();
mapsOnto<Same<z.infer<typeof policySchema>, Policy>>();
mapsOnto<Same<z.infer<typeof correlationRuleSchema>, CorrelationRule>>();
mapsOnto<Same<z.infer<typeof conditionSchema>, Condition>>();
