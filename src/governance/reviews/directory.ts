/** The reviewer directory over HR and tenure.yaml: managers, owners, and references resolved to identities. */
import type { LoadedConfig } from '../../config/load-config.js';
import type { ReviewerDirectory } from '../../domain/governance/review-assignment.js';
import type { Identity } from '../../domain/types.js';

/**
 * References resolve to an identity id when they name one (its id, or its email in any case);
 * anything else (a team mailbox, a username without identity) is kept, lower-cased.
 */
export function reviewerDirectory(
  people: Iterable<Identity>,
  config: Pick<LoadedConfig, 'applications'>,
): ReviewerDirectory {
  const byId = new Map<string, Identity>();
  const byEmail = new Map<string, string>();
  for (const p of people) {
    byId.set(p.id, p);
    if (p.attributes.email) byEmail.set(p.attributes.email.toLowerCase(), p.id);
  }
  const apps = new Map(config.applications.map((a) => [a.id, a]));
  return {
    // A manager who has left reviews nothing: the item falls through to the next route.
    managerOf: (id) => {
      const m = byId.get(id)?.attributes.manager_id ?? undefined;
      return m !== undefined && byId.get(m)?.status === 'terminated' ? undefined : m;
    },
    resolve: (ref) => (byId.has(ref) ? ref : (byEmail.get(ref.toLowerCase()) ?? ref.toLowerCase())),
    applicationOwner: (appId) => apps.get(appId)?.owner,
    entitlementOwner: (appId, entId) =>
      apps.get(appId)?.entitlements.find((e) => e.id === entId)?.owner,
  };
}
