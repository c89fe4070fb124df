/**
 * Login throttling per account and per client IP, counted in the store so every replica sees the
 * same failures. Each attempt takes its slot first (recorded as a failure before the password is
 * hashed), so a burst of parallel guesses cannot all slip past a check made before any failed.
 */
import type { AuthConfig } from '../../config/server-schema.js';
import type { Clock } from '../../domain/types.js';
import { usernameKey } from '../../domain/username.js';
import type { Store } from '../../store/types.js';

export type ThrottleVerdict =
  | { blocked: false; attempt: LoginAttempt }
  | { blocked: true; scope: 'account' | 'ip'; retry_after: number };

/** A slot taken by `begin`; it stays recorded as a failure unless the attempt says otherwise. */
export type LoginAttempt = {
  /** A successful sign-in forgives the account's failures (not the IP's earlier ones). */
  succeeded(): Promise<void>;
  /** The password was never checked (e.g. the server was busy): give the slot back. */
  abandoned(): Promise<void>;
};

export type LoginThrottle = {
  /** Reserves the attempt's slot, or refuses it when the account or IP is over its limit. */
  begin(username: string, ip: string): Promise<ThrottleVerdict>;
};

const accountKey = (username: string) => `user:${usernameKey(username)}`;
const ipKey = (ip: string) => `ip:${ip}`;
const PRUNE_EVERY_MS = 10 * 60_000;

export function createLoginThrottle(
  store: Store,
  cfg: AuthConfig['throttle'],
  clock: Clock,
): LoginThrottle {
  const windowMs = cfg.window_minutes * 60_000;
  const retry_after = Math.ceil(windowMs / 1000);
  let lastPrune = 0;
  return {
    async begin(username, ip) {
      const now = clock();
      const account = accountKey(username);
      const addr = ipKey(ip);
      // Old rows only matter inside the window; clean up now and then instead of on a timer.
      if (now.getTime() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = now.getTime();
        await store.loginFailures.prune(new Date(now.getTime() - windowMs).toISOString());
      }
      const since = new Date(now.getTime() - windowMs).toISOString();
      const reserved = await store.loginFailures.reserve(
        [
          { key: account, max: cfg.max_failures_per_account },
          { key: addr, max: cfg.max_failures_per_ip },
        ],
        now.toISOString(),
        since,
      );
      if ('over' in reserved)
        return { blocked: true, scope: reserved.over === account ? 'account' : 'ip', retry_after };
      const { ids } = reserved;
      return {
        blocked: false,
        attempt: {
          async succeeded() {
            await store.loginFailures.clear(account);
            await store.loginFailures.release(ids);
          },
          abandoned: () => store.loginFailures.release(ids),
        },
      };
    },
  };
}
