/**
 * One run at a time per workspace, across processes and replicas: every plan+apply (CLI `run` and
 * `apply`, `serve`'s scheduler and API) holds the store's run lock — a lease row the holder renews
 * while it works, like the job queue's leases. A holder is dead when its lease expired or, on
 * the same host, its process is gone; the next run then takes the lock over and closes what the
 * dead one left `applying` (src/engine/interrupted-runs.ts).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { TenureError } from '../../domain/errors.js';
import type { RunLockHolder, RunLockRow } from '../../store/run-lock-repo.js';
import type { Workspace } from '../workspace.js';
import { closeInterruptedRuns } from './interrupted-runs.js';

export const RUN_LOCK = 'run';
/** A holder that misses renewals this long is presumed dead (renewed every third of it). */
export const RUN_LEASE_MS = 60_000;

export type RunLock = {
  holder: RunLockHolder;
  /** Names the run in the holder description, so `run.in_progress` can point at it. */
  setRun(runId: string): Promise<void>;
};

export type RunLockRequest = {
  command: string;
  actor: string;
  /**
   * How long to wait for a live holder to finish before failing `run.in_progress` (default 0:
   * at once, as the CLI wants). Queued work waits a little: two replicas' webhook runs for
   * different people then take turns instead of failing and retrying.
   */
  waitMs?: number;
};

/** How often a waiting run looks at the lock again. */
const WAIT_POLL_MS = 200;

/** Why a recorded holder is dead, or undefined while it is alive. Pure, for the tests. */
export function deadHolder(
  row: Pick<RunLockRow, 'holder' | 'expires_at'>,
  now: number,
  here: { host: string; alive: (pid: number) => boolean },
): string | undefined {
  if (Date.parse(row.expires_at) < now) return `its lease expired at ${row.expires_at}`;
  if (row.holder.host === here.host && !here.alive(row.holder.pid))
    return `process ${row.holder.pid} on ${row.holder.host} is gone`;
  return undefined;
}

/** Signal 0 only checks that the process exists; EPERM means it does, as another user's. */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export const describeHolder = (row: RunLockRow): string => {
  const h = row.holder;
  const run = h.run_id ? `run ${h.run_id}, ` : '';
  return `${run}${h.command} by ${h.actor}, pid ${h.pid} on ${h.host}, since ${row.acquired_at}`;
};

const inProgress = (row: RunLockRow) =>
  new TenureError(
    'run.in_progress',
    `another run is in progress (${describeHolder(row)}); try again when it ends`,
    { holder: row.holder, since: row.acquired_at, lease_expires_at: row.expires_at },
  );

/**
 * Runs `fn` holding the workspace's run lock, or throws `run.in_progress` naming the holder.
 * Lease times are wall-clock (`Date.now`), not the workspace clock: they measure whether a
 * process is still working, and a pinned TENURE_NOW must not make every lease look expired.
 */
export async function withRunLock<T>(
  ws: Workspace,
  req: RunLockRequest,
  fn: (lock: RunLock) => Promise<T>,
): Promise<T> {
  const host = hostname();
  const holder: RunLockHolder = { pid: process.pid, host, command: req.command, actor: req.actor };
  const owner = `${host}:${process.pid}:${randomUUID()}`;
  const lease = () => {
    const now = Date.now();
    return { at: new Date(now).toISOString(), until: new Date(now + RUN_LEASE_MS).toISOString() };
  };
  const row = (): RunLockRow => {
    const { at, until } = lease();
    return { name: RUN_LOCK, owner, holder, acquired_at: at, heartbeat_at: at, expires_at: until };
  };

  let previous: { row: RunLockRow; reason: string } | undefined;
  const giveUpAt = Date.now() + (req.waitMs ?? 0);
  for (;;) {
    if (await ws.store.runLock.insert(row())) break;
    const current = await ws.store.runLock.get(RUN_LOCK);
    if (!current) continue; // released in between: try again
    const reason = deadHolder(current, Date.now(), { host, alive: processAlive });
    if (reason !== undefined) {
      if (await ws.store.runLock.takeOver(row(), current.owner)) {
        previous = { row: current, reason };
        break;
      }
      continue; // another process took it over first: the next look finds it alive
    }
    if (Date.now() >= giveUpAt) throw inProgress(current);
    await sleep(WAIT_POLL_MS);
  }

  let lost = false;
  const renew = async () => {
    const { at, until } = lease();
    const ok = await ws.store.runLock.renew(RUN_LOCK, owner, at, until, holder);
    if (!ok && !lost) {
      lost = true;
      ws.log.error({ holder }, 'run lock lost: another process presumed this run dead');
    }
  };
  const heartbeat = setInterval(() => {
    renew().catch((err) => ws.log.warn({ err }, 'run lock renewal failed'));
  }, RUN_LEASE_MS / 3);
  heartbeat.unref();
  try {
    await closeInterruptedRuns(ws, {
      trigger: req.command,
      previous: previous && { holder: previous.row.holder, reason: previous.reason },
    });
    return await fn({
      holder,
      async setRun(runId) {
        holder.run_id = runId;
        await renew();
      },
    });
  } finally {
    clearInterval(heartbeat);
    await ws.store.runLock
      .release(RUN_LOCK, owner)
      .catch((err) => ws.log.warn({ err }, 'could not release the run lock'));
  }
}

/**
 * At `tenure serve` start: close the runs a dead process left `applying`, so the console and the
 * API show them as they are rather than waiting for the first scheduled run to take the lock.
 * A live run elsewhere (another replica) holds the lock: nothing is dead then, nothing to do.
 */
export async function closeDeadRunsAtStart(ws: Workspace, command: string): Promise<void> {
  try {
    await withRunLock(ws, { command, actor: 'system' }, async () => {});
  } catch (e) {
    if (!(e instanceof TenureError && e.code === 'run.in_progress')) throw e;
  }
}
