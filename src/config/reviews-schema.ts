/** Access-review campaign definitions (API, CLI) and tenure.yaml `reviews:` templates, as zod schemas. */
import { z } from 'zod';
import {
  ACTIONS,
  type CampaignDefinition,
  MAX_STAGES,
  NO_RESPONSE_DEFAULTS,
  REVIEWER_STRATEGIES,
  strictness,
} from '../domain/governance/campaign.js';

const ref = z.string().trim().min(1).max(256);
const list = z.array(ref).min(1).max(10_000);

export const scopeSchema = z.strictObject({
  applications: list.optional(),
  entitlements: z
    .array(z.string().regex(/^[^/]+\/.+$/, 'must be "<application>/<entitlement>"'))
    .min(1)
    .optional(),
  privileged_only: z.boolean().optional(),
  departments: list.optional(),
  identities: list.optional(),
  unjustified_only: z.boolean().optional(),
});

const stageFields = {
  strategy: z.enum(REVIEWER_STRATEGIES),
  reviewers: z.array(ref).min(1).max(100).optional(),
};

/** `named` needs its reviewers; the other strategies find theirs. */
const namedNeedsReviewers = (
  s: { strategy: string; reviewers?: string[] | undefined },
  ctx: z.RefinementCtx,
) => {
  if (s.strategy === 'named' && s.reviewers === undefined)
    ctx.addIssue({ code: 'custom', path: ['reviewers'], message: 'required for strategy "named"' });
  if (s.strategy !== 'named' && s.reviewers !== undefined)
    ctx.addIssue({ code: 'custom', path: ['reviewers'], message: 'only for strategy "named"' });
};

const noResponseSchema = z
  .strictObject({
    default: z.enum(NO_RESPONSE_DEFAULTS).default('keep'),
    /** Privileged items: at least as strict as `default`. */
    privileged: z.enum(NO_RESPONSE_DEFAULTS).default('revoke'),
  })
  .superRefine((n, ctx) => {
    if (strictness(n.privileged) < strictness(n.default))
      ctx.addIssue({
        code: 'custom',
        path: ['privileged'],
        message: `must be at least as strict as default "${n.default}" (keep < recommendation < revoke)`,
      });
  })
  .prefault({});

const common = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  scope: scopeSchema.prefault({}),
  no_response: noResponseSchema,
  fallback_reviewer: ref,
  meaning: z
    .string()
    .trim()
    .min(10)
    .max(4000)
    .default(
      'I certify that I reviewed each access listed and that what I approved is appropriate for the person holding it.',
    ),
  unused_days: z.number().int().min(1).max(3650).optional(),
};

const iso = z.iso.datetime({ offset: true });

/** A campaign definition as the API and CLI take it. */
export const campaignDefinitionSchema = z.strictObject({
  ...common,
  stages: z
    .array(
      z.strictObject({ ...stageFields, due_at: iso.optional() }).superRefine(namedNeedsReviewers),
    )
    .min(1)
    .max(MAX_STAGES),
  due_at: iso,
  template: z.string().optional(),
}) satisfies z.ZodType<CampaignDefinition, unknown>;

/** A recurring campaign in tenure.yaml: launched per period, due `due_in_days` after creation. */
export const reviewTemplateSchema = z.strictObject({
  id: z
    .string()
    .regex(
      /^[a-z][a-z0-9_-]{0,62}$/,
      'must be lowercase letters, digits, "-" or "_", starting with a letter',
    ),
  ...common,
  /** `{period}` in the name becomes e.g. `2026-Q4`, `2026-12`, `2026-H2`, `2026`. */
  recurrence: z.enum(['monthly', 'quarterly', 'semiannual', 'yearly']).default('quarterly'),
  due_in_days: z.number().int().min(1).max(365).default(14),
  stages: z
    .array(
      z
        .strictObject({ ...stageFields, due_in_days: z.number().int().min(1).max(365).optional() })
        .superRefine(namedNeedsReviewers),
    )
    .min(1)
    .max(MAX_STAGES),
});

export const reviewsSchema = z.array(reviewTemplateSchema).default([]);

export type CampaignDefinitionInput = z.input<typeof campaignDefinitionSchema>;
export type ReviewTemplate = z.infer<typeof reviewTemplateSchema>;

type Catalogue = {
  applications: { id: string; entitlements: { id: string }[] }[];
};

/**
 * References a schema can't check: applications and entitlements in a scope must exist.
 * Problems are `<prefix>.scope.applications[1]: unknown application "crmm"` lines.
 */
export function scopeProblems(
  scope: z.infer<typeof scopeSchema>,
  config: Catalogue,
  prefix: string,
): string[] {
  const apps = new Map(config.applications.map((a) => [a.id, a]));
  const problems: string[] = [];
  scope.applications?.forEach((id, i) => {
    if (!apps.has(id))
      problems.push(`${prefix}.scope.applications[${i}]: unknown application "${id}"`);
  });
  scope.entitlements?.forEach((key, i) => {
    const [appId, ...rest] = key.split('/');
    const ent = rest.join('/');
    const app = apps.get(appId!);
    if (!app) problems.push(`${prefix}.scope.entitlements[${i}]: unknown application "${appId}"`);
    else if (!app.entitlements.some((e) => e.id === ent))
      problems.push(
        `${prefix}.scope.entitlements[${i}]: unknown entitlement "${ent}" in application "${appId}"`,
      );
  });
  return problems;
}

/** tenure.yaml `reviews:` cross-checks: unique ids, known applications and entitlements. */
export function reviewTemplateProblems(templates: ReviewTemplate[], config: Catalogue): string[] {
  const seen = new Set<string>();
  return templates.flatMap((t, i) => {
    const problems = scopeProblems(t.scope, config, `reviews[${i}]`);
    if (seen.has(t.id)) problems.push(`reviews[${i}].id: duplicate id "${t.id}"`);
    seen.add(t.id);
    return problems;
  });
}

/** One decision as the API and `tenure reviews decide --file` take it. */
export const decisionSchema = z.strictObject({
  item: z.number().int().positive(),
  action: z.enum(ACTIONS),
  justification: z.string().trim().max(4000).optional(),
  entitlement: z.string().min(1).max(256).optional().describe('modify: the entitlement to swap to'),
  to: z.string().min(1).max(256).optional().describe('reassign / delegate: the new reviewer'),
  expected_version: z.number().int().min(0).optional(),
});
