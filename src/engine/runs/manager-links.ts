/** Gathers, for one planning batch, which named managers have an account in each application. */
import {
  type HasAccount,
  type LinksManagers,
  managerIdsOf,
  withLinkableManagers,
} from '../../domain/manager-links.js';
import type { ActualAccount, DesiredAccount } from '../../domain/types.js';

export type ManagerLookups = {
  /** Desired accounts of an identity outside the batch ([] when unknown or terminated). */
  desiredOf(identityId: string): Promise<readonly DesiredAccount[]>;
  /** Stored accounts of identities outside the batch. */
  accountsOf(identityIds: string[]): Promise<readonly ActualAccount[]>;
};

/**
 * The batch's desired state with manager links (of applications where `links`) only to managers
 * who have — or are planned to get — an account there (a disabled leaver's account counts).
 */
export async function linkableManagers(
  desired: Map<string, DesiredAccount[]>,
  actual: readonly ActualAccount[],
  lookups: ManagerLookups,
  links: LinksManagers,
): Promise<Map<string, DesiredAccount[]>> {
  const managers = managerIdsOf(desired.values(), links);
  if (managers.length === 0) return desired;
  const wanted = new Set(managers);
  const has = new Set<string>();
  const note = (identityId: string | null, appId: string) => {
    if (identityId !== null && wanted.has(identityId)) has.add(`${appId}\0${identityId}`);
  };
  const outside = managers.filter((m) => !desired.has(m));
  for (const list of desired.values()) for (const d of list) note(d.identity_id, d.app_id);
  for (const m of outside) for (const d of await lookups.desiredOf(m)) note(m, d.app_id);
  for (const a of actual) note(a.identity_id, a.app_id);
  // Stored accounts matter only for links desired accounts do not explain (a leaver's, kept
  // disabled): usually none, so a plan does not read every manager's accounts again.
  const unexplained = new Set<string>();
  for (const list of desired.values())
    for (const d of list) {
      const m = d.attributes.manager;
      if (m && links(d.app_id) && !desired.has(m) && !has.has(`${d.app_id}\0${m}`))
        unexplained.add(m);
    }
  if (unexplained.size > 0)
    for (const a of await lookups.accountsOf([...unexplained])) note(a.identity_id, a.app_id);
  const hasAccount: HasAccount = (m, appId) => has.has(`${appId}\0${m}`);
  return withLinkableManagers(desired, hasAccount, links);
}
