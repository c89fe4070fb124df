/** What the review services need: the store, the workspace config, a clock — and who is calling. */
import type { LoadedConfig } from '../../config/load-config.js';
import type { Role } from '../../domain/roles.js';
import type { Clock } from '../../domain/types.js';
import type { Store } from '../../store/types.js';

export type ReviewDeps = { store: Store; config: LoadedConfig; clock: Clock };

/**
 * A caller of the review services. `refs` are every name an item's reviewer may be stored under
 * for this person (identity id, email, username): an item is theirs when its reviewer is one.
 */
export type ReviewCaller = {
  /** As recorded in the audit trail: `reviewer:<username>`, `admin:<username>`, `token:<name>`. */
  actor: string;
  role: Role;
  refs: string[];
  /** The caller's own identity: they may never decide on its access. */
  identityId: string | null;
};

/** The references a person's items may carry: identity id, email and username, email lower-cased. */
export async function callerRefs(
  store: Pick<Store, 'identities'>,
  username: string | null,
  identityId: string | null,
): Promise<string[]> {
  const refs = new Set<string>();
  if (identityId) {
    refs.add(identityId);
    const identity = await store.identities.get(identityId);
    if (identity?.attributes.email) refs.add(identity.attributes.email.toLowerCase());
  }
  if (username) refs.add(username.toLowerCase());
  return [...refs];
}
