/** The review services' caller, from the authenticated principal: roles, actor and reviewer references. */
import type { ReviewCaller } from '../../../governance/reviews/deps.js';
import { callerRefs } from '../../../governance/reviews/deps.js';
import type { Store } from '../../../store/types.js';
import type { Principal } from '../../types.js';

/** A person deciding is recorded as `reviewer:<username>`; a token keeps its own actor. */
export async function reviewCaller(store: Store, p: Principal): Promise<ReviewCaller> {
  const user = p.user_id ? await store.users.get(p.user_id) : undefined;
  const username = p.kind === 'session' ? p.name : (user?.username ?? null);
  return {
    actor: username && p.kind === 'session' ? `reviewer:${username}` : p.actor,
    role: p.role,
    refs: await callerRefs(store, username, p.identity_id),
    identityId: p.identity_id,
  };
}
