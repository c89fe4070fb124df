/**
 * Leader election: exactly one replica enqueues scheduled work. PostgreSQL: a session-level
 * `pg_try_advisory_lock` held on a connection of its own — if the leader or that connection dies,
 * the lock is gone and another replica's next try (every tick) wins. SQLite is single-replica
 * (one file, one host): a lease row with a TTL makes the one process leader, and keeps a second
 * one started by mistake from double-scheduling.
 */
import type { Clock } from '../../domain/types.js';
import type { Store } from '../../store/types.js';
import type { Logger } from '../workspace.js';

export const SCHEDULER_LOCK = 'scheduler';

export type LeaderInfo = { owner: string; since: string; heartbeat_at: string; alive: boolean };

export type LeaderElection = {
  /** Try to lead, or confirm leading (the heartbeat); call it every tick. */
  tick(): Promise<boolean>;
  isLeader(): boolean;
  /** Who leads, as recorded by the leader's heartbeat (any replica can ask). */
  current(): Promise<LeaderInfo | undefined>;
  resign(): Promise<void>;
};

export function createLeaderElection(deps: {
  store: Store;
  owner: string;
  clock: Clock;
  log: Logger;
  /** SQLite lease, and how old a heartbeat may be before status() calls the leader gone. */
  ttlMs: number;
}): LeaderElection {
  const { store, owner, clock, log, ttlMs } = deps;
  let leading = false;
  return {
    async tick() {
      let now = false;
      try {
        now = await store.leader.acquire(SCHEDULER_LOCK, owner, ttlMs, clock().toISOString());
      } catch (err) {
        log.warn({ err }, 'leader election: could not reach the store');
      }
      if (now !== leading)
        log.info({ owner }, now ? 'became scheduler leader' : 'lost scheduler leadership');
      leading = now;
      return now;
    },
    isLeader: () => leading,
    async current() {
      const row = await store.leader.current(SCHEDULER_LOCK);
      if (!row) return undefined;
      const age = clock().getTime() - Date.parse(row.heartbeat_at);
      return {
        owner: row.owner,
        since: row.acquired_at,
        heartbeat_at: row.heartbeat_at,
        alive: age <= ttlMs,
      };
    },
    async resign() {
      leading = false;
      await store.leader.release(SCHEDULER_LOCK, owner).catch((err) => {
        log.warn({ err }, 'leader election: could not release leadership');
      });
    },
  };
}
