/** How `tenure reviews` prints campaigns and items for people (the --json output is the rows as they are). */
import type { CampaignRow, ReviewItemRow } from '../store/reviews-types.js';
import { table } from './output.js';

export const campaignsTable = (rows: readonly CampaignRow[]): string =>
  table([
    ['ID', 'NAME', 'STATUS', 'STAGE', 'ITEMS', 'DUE', 'CREATED'],
    ...rows.map((c) => [
      c.id,
      c.name,
      c.status,
      `${c.stage}/${c.definition.stages.length}`,
      c.snapshot_items === null ? '-' : String(c.snapshot_items),
      c.definition.due_at,
      c.created_at,
    ]),
  ]);

const why = (i: ReviewItemRow) =>
  i.reason.kind === 'none'
    ? 'none (drift)'
    : `${i.reason.kind}${i.reason.ref ? `:${i.reason.ref}` : ''}`;

const peers = (i: ReviewItemRow) =>
  i.peers === null ? '-' : `${Math.round((100 * i.peers.holders) / i.peers.peers)}%`;

const decision = (i: ReviewItemRow) =>
  i.decision === null
    ? '-'
    : `${i.decision}${i.modify_to ? `→${i.modify_to}` : ''}${i.defaulted ? ' (defaulted)' : ''}`;

export const itemsTable = (rows: readonly ReviewItemRow[]): string =>
  table([
    [
      'ITEM',
      'STAGE',
      'HOLDER',
      'APP',
      'ENTITLEMENT',
      'WHY',
      'SINCE',
      'PEERS',
      'RECOMMEND',
      'REVIEWER',
      'DECISION',
    ],
    ...rows.map((i) => [
      String(i.id),
      String(i.stage),
      i.identity_id,
      i.app_id,
      `${i.entitlement_id ?? '(account)'}${i.privileged ? ' *' : ''}`,
      why(i),
      i.since?.slice(0, 10) ?? '-',
      peers(i),
      `${i.recommendation.recommendation}: ${i.recommendation.reason}`,
      i.reviewer,
      decision(i),
    ]),
  ]);
