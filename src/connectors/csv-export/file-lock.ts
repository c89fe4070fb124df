/**
 * The cross-process lock on a csv-export file (proper-lockfile: an atomic mkdir of `<file>.lock`,
 * kept fresh while held and taken over when stale), so concurrent writers take turns.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import type { Logger } from '../../domain/logger.js';

/** A holder that stops refreshing its lock for this long is presumed dead (proper-lockfile's default). */
const STALE_MS = 10_000;
const RETRY_MS = 100;

type Log = Pick<Logger, 'error'>;

/** Takes the lock, waiting up to `waitSeconds`; resolves to the release function. */
export async function lockAccountFile(
  file: string,
  waitSeconds: number,
  log: Log,
): Promise<() => Promise<void>> {
  await mkdir(dirname(file), { recursive: true });
  try {
    const release = await lockfile.lock(file, {
      // The file may not exist yet: lock its path, not its resolved real path.
      realpath: false,
      stale: STALE_MS,
      retries: {
        retries: Math.ceil((waitSeconds * 1000) / RETRY_MS),
        minTimeout: RETRY_MS,
        maxTimeout: RETRY_MS,
        factor: 1,
      },
      // Someone took our lock as stale (we stalled past STALE_MS): say so rather than crash.
      onCompromised: (err) => log.error({ err, file }, 'csv-export file lock compromised'),
    });
    return () => release().catch(() => {});
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ELOCKED')
      throw new Error(
        `${file} is locked by another writer (${file}.lock) and stayed locked for ${waitSeconds} s; nothing was written`,
      );
    throw new Error(`could not lock ${file}: ${err.message}`);
  }
}
