/** Manual tasks as shown to people: each with its holder's display name beside the identity id. */
import { displayName } from '../../domain/attributes.js';
import type { Store, TaskRow } from '../../store/types.js';

export type TaskWithHolder = TaskRow & {
  /** The identity's display name (preferred or first name + last name); null if not known. */
  identity_name: string | null;
};

export async function withHolderNames(
  store: Pick<Store, 'identities'>,
  rows: readonly TaskRow[],
): Promise<TaskWithHolder[]> {
  const names = new Map<string, string | null>();
  // One read per distinct holder: a work queue names few people, the identity table many.
  for (const id of new Set(rows.map((t) => t.identity_id))) {
    if (id === null) continue;
    const identity = await store.identities.get(id);
    names.set(id, identity ? displayName(identity.attributes) : null);
  }
  return rows.map((t) => ({
    ...t,
    identity_name: t.identity_id === null ? null : (names.get(t.identity_id) ?? null),
  }));
}
