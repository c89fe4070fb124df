/** tenure.yaml `reviews:` templates: the campaign definition of one period (quarter, month, half, year). */
import type { ReviewTemplate } from '../../config/reviews-schema.js';
import type { CampaignDefinition } from '../../domain/governance/campaign.js';

const DAY_MS = 86_400_000;

/** The period label of `now` in the organisation's zone: `2026-Q4`, `2026-12`, `2026-H2`, `2026`. */
export function periodLabel(
  recurrence: ReviewTemplate['recurrence'],
  now: Date,
  timeZone: string,
): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(now);
  const year = parts.find((p) => p.type === 'year')!.value;
  const month = Number(parts.find((p) => p.type === 'month')!.value);
  switch (recurrence) {
    case 'monthly':
      return `${year}-${String(month).padStart(2, '0')}`;
    case 'quarterly':
      return `${year}-Q${Math.ceil(month / 3)}`;
    case 'semiannual':
      return `${year}-H${month <= 6 ? 1 : 2}`;
    case 'yearly':
      return year;
  }
}

export function definitionFromTemplate(
  t: ReviewTemplate,
  now: Date,
  timeZone: string,
): CampaignDefinition {
  const period = periodLabel(t.recurrence, now, timeZone);
  const name = t.name.includes('{period}')
    ? t.name.replaceAll('{period}', period)
    : `${t.name} ${period}`;
  const at = (days: number) => new Date(now.getTime() + days * DAY_MS).toISOString();
  return {
    name,
    ...(t.description !== undefined && { description: t.description }),
    scope: t.scope,
    stages: t.stages.map((s) => ({
      strategy: s.strategy,
      ...(s.reviewers && { reviewers: s.reviewers }),
      ...(s.due_in_days !== undefined && { due_at: at(s.due_in_days) }),
    })),
    due_at: at(t.due_in_days),
    no_response: t.no_response,
    fallback_reviewer: t.fallback_reviewer,
    meaning: t.meaning,
    ...(t.unused_days !== undefined && { unused_days: t.unused_days }),
    template: t.id,
  };
}
