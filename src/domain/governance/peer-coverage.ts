/** Peer coverage: how many people of the same department and title hold the same access. */
import type { PeerCoverage } from './campaign.js';

export type PeerPerson = { id: string; department: string; title: string };

/**
 * Builds the lookup once over the whole population: for (person, access key), how many of their
 * peers (same department and title, the person excluded) hold that key. null: they have no peer.
 */
export function peerCoverage(
  people: readonly PeerPerson[],
  holdings: ReadonlyMap<string, ReadonlySet<string>>,
): (personId: string, key: string) => PeerCoverage | null {
  const group = (p: PeerPerson) => `${p.department}\u0000${p.title}`;
  const sizes = new Map<string, number>();
  const counts = new Map<string, number>();
  const groupOf = new Map<string, string>();
  for (const p of people) {
    const g = group(p);
    groupOf.set(p.id, g);
    sizes.set(g, (sizes.get(g) ?? 0) + 1);
    for (const key of holdings.get(p.id) ?? []) {
      const k = `${g}\u0000${key}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }
  return (personId, key) => {
    const g = groupOf.get(personId);
    if (g === undefined) return null;
    const peers = (sizes.get(g) ?? 1) - 1;
    if (peers === 0) return null;
    const own = holdings.get(personId)?.has(key) ? 1 : 0;
    return { holders: (counts.get(`${g}\u0000${key}`) ?? 0) - own, peers };
  };
}
