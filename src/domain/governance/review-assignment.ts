/** Who reviews an item: the stage's strategy, rerouted so that nobody ever reviews their own access. */
import type { AssignmentRoute, ReviewStage, SnapshotEntry } from './campaign.js';

/** What assignment needs to know about the organisation, as lookups (no I/O here). */
export type ReviewerDirectory = {
  /** The HR manager of an identity (its identity id), if any. */
  managerOf(identityId: string): string | undefined;
  /** A reviewer reference (identity id, email, username) as stored: the identity id when known. */
  resolve(ref: string): string;
  /** The configured owners of an application and of one of its entitlements. */
  applicationOwner(appId: string): string | undefined;
  entitlementOwner(appId: string, entitlementId: string): string | undefined;
};

export type Assignment = {
  reviewer: string;
  route: AssignmentRoute;
  /** Who the strategy named, when the item was rerouted away from them (null: nobody). */
  wanted: string | null;
};

/** Whom the strategy names for the item, before the self-review check (undefined: nobody). */
export function strategyReviewer(
  entry: SnapshotEntry,
  stage: ReviewStage,
  dir: ReviewerDirectory,
): string | undefined {
  switch (stage.strategy) {
    case 'manager':
      return dir.managerOf(entry.identity_id);
    case 'application_owner':
      return dir.applicationOwner(entry.app_id);
    // An entitlement without an owner of its own is its application owner's.
    case 'entitlement_owner':
      return (
        (entry.entitlement_id === null
          ? undefined
          : dir.entitlementOwner(entry.app_id, entry.entitlement_id)) ??
        dir.applicationOwner(entry.app_id)
      );
    case 'named': {
      const named = (stage.reviewers ?? []).map((r) => dir.resolve(r));
      return named.find((r) => r !== entry.identity_id) ?? named[0];
    }
  }
}

/**
 * The reviewer of `entry` in `stage`. When the strategy's reviewer is the holder themself, the
 * item goes to that reviewer's manager, else to the campaign's fallback reviewer; when nobody is
 * eligible (the fallback is the holder too) the result is undefined and launch must refuse.
 */
export function assignReviewer(
  entry: SnapshotEntry,
  stage: ReviewStage,
  dir: ReviewerDirectory,
  fallback: string,
): Assignment | undefined {
  const holder = entry.identity_id;
  const wanted = strategyReviewer(entry, stage, dir);
  const named = wanted === undefined ? undefined : dir.resolve(wanted);
  if (named !== undefined && named !== holder)
    return { reviewer: named, route: 'strategy', wanted: null };
  return reroute(holder, named ?? null, dir, fallback);
}

/** The reviewer's manager, else the fallback, else the fallback's manager: whoever first is not the holder. */
export function reroute(
  holder: string,
  wanted: string | null,
  dir: ReviewerDirectory,
  fallback: string,
): Assignment | undefined {
  const manager = wanted === null ? undefined : dir.managerOf(wanted);
  const managerRef = manager === undefined ? undefined : dir.resolve(manager);
  if (managerRef !== undefined && managerRef !== holder)
    return { reviewer: managerRef, route: 'manager_of_reviewer', wanted };
  const fb = dir.resolve(fallback);
  if (fb !== holder) return { reviewer: fb, route: 'fallback', wanted };
  const above = dir.managerOf(fb);
  const aboveRef = above === undefined ? undefined : dir.resolve(above);
  return aboveRef !== undefined && aboveRef !== holder
    ? { reviewer: aboveRef, route: 'fallback', wanted }
    : undefined;
}
