/** The population of a campaign: every access in scope, with why it is held, since when, and by how many peers. */

import { compilePolicies } from '../../domain/desired.js';
import type {
  CampaignScope,
  ItemReason,
  PeerCoverage,
  SnapshotEntry,
} from '../../domain/governance/campaign.js';
import { peerCoverage } from '../../domain/governance/peer-coverage.js';
import { itemReason } from '../../domain/governance/review-rules.js';
import type { Grant, Identity } from '../../domain/types.js';
import { planningContext } from '../../engine/settings.js';
import type { ReviewDeps } from './deps.js';

/** Whose access is reviewed: people employed now (on leave included), not pre-hires or leavers. */
export const REVIEWED_STATUSES: readonly Identity['status'][] = ['active', 'leave'];

export type PopulationLine = SnapshotEntry & {
  privileged: boolean;
  reason: ItemReason;
  since: string | null;
  peers: PeerCoverage | null;
};

const accessKey = (app: string, ent: string | null) => `${app}/${ent ?? ''}`;

/**
 * One line per entitlement held by an account linked to a reviewed identity, and one for each
 * such account holding no entitlement; filtered by every scope condition given.
 */
export async function buildPopulation(
  deps: ReviewDeps,
  scope: CampaignScope,
): Promise<{ lines: PopulationLine[]; identities: Map<string, Identity> }> {
  const { store, config } = deps;
  const identities = new Map(
    (await store.identities.all())
      .filter((i) => REVIEWED_STATUSES.includes(i.status))
      .map((i) => [i.id, i]),
  );
  const grants = new Map<string, Grant[]>();
  for (const g of await store.grants.all()) {
    const list = grants.get(g.identity_id) ?? [];
    list.push(g);
    grants.set(g.identity_id, list);
  }
  const since = await store.reviews.heldSince();
  const privileged = new Set(
    config.applications.flatMap((a) =>
      a.entitlements.filter((e) => e.privileged).map((e) => accessKey(a.id, e.id)),
    ),
  );
  const desiredFor = compilePolicies(planningContext(config, deps.clock()));
  const accounts = (await store.accounts.all()).filter(
    (a) => a.identity_id !== null && identities.has(a.identity_id),
  );
  const holdings = new Map<string, Set<string>>();
  for (const a of accounts) {
    const set = holdings.get(a.identity_id!) ?? new Set<string>();
    for (const e of a.entitlements.length ? a.entitlements : [null])
      set.add(accessKey(a.app_id, e));
    holdings.set(a.identity_id!, set);
  }
  const cover = peerCoverage(
    [...identities.values()].map((i) => ({
      id: i.id,
      department: i.attributes.department,
      title: i.attributes.title,
    })),
    holdings,
  );
  const inScope = scopeFilter(scope, privileged, identities);
  const desiredCache = new Map<string, ReturnType<typeof desiredFor>>();
  const lines: PopulationLine[] = [];
  for (const a of accounts) {
    const who = a.identity_id!;
    let desired = desiredCache.get(who);
    if (!desired)
      desiredCache.set(who, (desired = desiredFor(identities.get(who)!, grants.get(who) ?? [])));
    const want = desired.find((d) => d.app_id === a.app_id);
    for (const ent of a.entitlements.length ? a.entitlements : [null]) {
      const reasons = ent === null ? (want?.reasons ?? []) : (want?.entitlements[ent] ?? []);
      const line: PopulationLine = {
        identity_id: who,
        app_id: a.app_id,
        account_id: a.account_id,
        entitlement_id: ent,
        privileged: privileged.has(accessKey(a.app_id, ent)),
        reason: itemReason(reasons),
        since: since.get(`${a.app_id}\u0000${a.account_id}\u0000${ent ?? ''}`) ?? null,
        peers: cover(who, accessKey(a.app_id, ent)),
      };
      if (inScope(line)) lines.push(line);
    }
  }
  return { lines, identities };
}

function scopeFilter(
  scope: CampaignScope,
  privileged: ReadonlySet<string>,
  identities: ReadonlyMap<string, Identity>,
): (l: PopulationLine) => boolean {
  const apps = scope.applications && new Set(scope.applications);
  const ents = scope.entitlements && new Set(scope.entitlements);
  const depts = scope.departments && new Set(scope.departments);
  const people = scope.identities && new Set(scope.identities);
  return (l) =>
    (!apps || apps.has(l.app_id)) &&
    (!ents || (l.entitlement_id !== null && ents.has(`${l.app_id}/${l.entitlement_id}`))) &&
    (!scope.privileged_only || privileged.has(accessKey(l.app_id, l.entitlement_id))) &&
    (!depts || depts.has(identities.get(l.identity_id)?.attributes.department ?? '')) &&
    (!people || people.has(l.identity_id)) &&
    (!scope.unjustified_only || l.reason.kind === 'none');
}
