/**
 * Login throttling per account and per client IP, counted in the store so every replica sees the
 * same failures. A blocked attempt is refused before the password is even checked.
 */
import type { AuthConfig } from '../../config/server-schema.js';
import type { Clock } from '../../domain/types.js';
import type { Store } from '../../store/types.js';

export type ThrottleVerdict =
  | { blocked: false }
  | { blocked: true; scope: 'account' | 'ip'; retry_after: number };

export type LoginThrottle = {
  check(username: string, ip: string): Promise<ThrottleVerdict>;
  failed(username: string, ip: string): Promise<void>;
  /** A successful sign-in forgives the account's failures (not the IP's). */
  succeeded(username: string): Promise<void>;
};

const accountKey = (username: string) => `user:${username.toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;
const PRUNE_EVERY_MS = 10 * 60_000;

export function createLoginThrottle(
  store: Store,
  cfg: AuthConfig['throttle'],
  clock: Clock,
): LoginThrottle {
  const windowMs = cfg.window_minutes * 60_000;
  let lastPrune = 0;
  return {
    async check(username, ip) {
      const since = new Date(clock().getTime() - windowMs).toISOString();
      const counts = await store.loginFailures.count([accountKey(username), ipKey(ip)], since);
      const retry_after = Math.ceil(windowMs / 1000);
      if ((counts[accountKey(username)] ?? 0) >= cfg.max_failures_per_account)
        return { blocked: true, scope: 'account', retry_after };
      if ((counts[ipKey(ip)] ?? 0) >= cfg.max_failures_per_ip)
        return { blocked: true, scope: 'ip', retry_after };
      return { blocked: false };
    },
    async failed(username, ip) {
      const now = clock();
      await store.loginFailures.record([accountKey(username), ipKey(ip)], now.toISOString());
      // Old rows only matter inside the window; clean up now and then instead of on a timer.
      if (now.getTime() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = now.getTime();
        await store.loginFailures.prune(new Date(now.getTime() - windowMs).toISOString());
      }
    },
    async succeeded(username) {
      await store.loginFailures.clear(accountKey(username));
    },
  };
}
