/** Creating a campaign (a draft): from a definition the API or CLI received, or from a tenure.yaml template. */
import { randomUUID } from 'node:crypto';
import { formatIssues } from '../../config/format-issues.js';
import { campaignDefinitionSchema, scopeProblems } from '../../config/reviews-schema.js';
import { TenureError } from '../../domain/errors.js';
import type { CampaignDefinition } from '../../domain/governance/campaign.js';
import type { CampaignRow } from '../../store/reviews-types.js';
import { reviewAudit } from './audit-events.js';
import type { ReviewDeps } from './deps.js';
import { definitionFromTemplate } from './templates.js';

/** Validates `input` whole; `review.invalid` lists every problem with its path. */
export function parseDefinition(input: unknown, config: ReviewDeps['config']): CampaignDefinition {
  const parsed = campaignDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const problems = formatIssues(parsed.error.issues);
    throw new TenureError('review.invalid', `invalid campaign: ${problems.join('; ')}`, {
      problems,
    });
  }
  const problems = scopeProblems(parsed.data.scope, config, 'campaign');
  if (problems.length > 0)
    throw new TenureError('review.invalid', `invalid campaign: ${problems.join('; ')}`, {
      problems,
    });
  return parsed.data;
}

export async function createCampaign(
  deps: ReviewDeps,
  input: unknown,
  actor: string,
): Promise<CampaignRow> {
  const definition = parseDefinition(input, deps.config);
  const now = deps.clock().toISOString();
  const row: CampaignRow = {
    id: `rc_${randomUUID()}`,
    name: definition.name,
    status: 'draft',
    definition,
    stage: 0,
    created_at: now,
    created_by: actor,
    launched_at: null,
    launched_by: null,
    closed_at: null,
    closed_by: null,
    snapshot_sha256: null,
    snapshot_items: null,
    summary: null,
  };
  await deps.store.transaction(async (tx) => {
    await tx.reviews.createCampaign(row);
    await tx.audit.append([
      reviewAudit(
        'review.campaign_created',
        row.id,
        actor,
        `campaign:${row.id}`,
        { name: row.name, definition },
        now,
      ),
    ]);
  });
  return row;
}

/** A draft from the tenure.yaml `reviews:` template `templateId`, for the period containing now. */
export async function createFromTemplate(
  deps: ReviewDeps,
  templateId: string,
  actor: string,
): Promise<CampaignRow> {
  const template = deps.config.reviews.find((t) => t.id === templateId);
  if (!template) {
    const known = deps.config.reviews.map((t) => t.id).join(', ') || 'none';
    throw new TenureError(
      'review.template_not_found',
      `no reviews template "${templateId}" (known: ${known})`,
    );
  }
  return createCampaign(
    deps,
    definitionFromTemplate(template, deps.clock(), deps.config.organisation.time_zone),
    actor,
  );
}
