/** The keep/revoke recommendation shown on a review item, with the reason a reviewer reads. */
import type { ItemReason, LastUsed, PeerCoverage, Recommendation } from './campaign.js';

export const DEFAULT_UNUSED_DAYS = 90;
const DAY_MS = 86_400_000;

export type RecommendationFacts = {
  reason: ItemReason;
  peers: PeerCoverage | null;
  lastUsed: LastUsed;
  now: Date;
  unusedDays?: number;
};

const percent = (p: PeerCoverage) => `${Math.round((100 * p.holders) / p.peers)}%`;

/**
 * Revoke when nothing justifies the access, when it was not used for `unusedDays` (only when the
 * target reports last use), or when no peer holds it and no policy gives it; keep otherwise.
 */
export function recommend(f: RecommendationFacts): Recommendation {
  const days = f.unusedDays ?? DEFAULT_UNUSED_DAYS;
  if (f.reason.kind === 'none')
    return {
      recommendation: 'revoke',
      reason: 'no justification: no policy, request or exception grants it',
    };
  const last = f.lastUsed.value === 'unknown' ? Number.NaN : Date.parse(f.lastUsed.value);
  if (!Number.isNaN(last) && f.now.getTime() - last > days * DAY_MS)
    return { recommendation: 'revoke', reason: `unused for more than ${days} days` };
  if (f.reason.kind !== 'birthright' && f.peers !== null && f.peers.holders === 0)
    return { recommendation: 'revoke', reason: 'no peer (same department and title) holds it' };
  return { recommendation: 'keep', reason: keepReason(f.reason, f.peers) };
}

function keepReason(reason: ItemReason, peers: PeerCoverage | null): string {
  const why =
    reason.kind === 'birthright'
      ? `granted by policy ${reason.ref}`
      : reason.kind === 'manual'
        ? 'granted manually'
        : `granted by ${reason.kind} ${reason.ref}`;
  return peers === null ? why : `${why}; ${percent(peers)} of peers hold it`;
}
