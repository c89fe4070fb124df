/** The reviewer a CLI command acts as (`--reviewer`): a local user (and their identity), or an identity id. */
import { callerRefs, type ReviewCaller } from '../governance/reviews/deps.js';
import type { Store } from '../store/types.js';

/**
 * The CLI holds the store itself, so it does not authenticate decisions (as every CLI admin
 * action); sign-off alone re-checks the user's password. The actor is `reviewer:<name>`.
 */
export async function cliReviewer(store: Store, ref: string): Promise<ReviewCaller> {
  const user = await store.users.byUsername(ref);
  const identityId = user ? user.identity_id : ((await store.identities.get(ref))?.id ?? null);
  return {
    actor: `reviewer:${user?.username ?? ref}`,
    role: user?.role === 'auditor' ? 'auditor' : 'reviewer',
    refs: user
      ? await callerRefs(store, user.username, identityId)
      : await callerRefs(store, ref, identityId),
    identityId,
  };
}
