/** Retries an idempotent LDAP step on transient failures (server away, busy, timeouts). */
import { type RetryPolicy, retryTransient } from '../retry.js';
import { isTransient } from './errors.js';

export const withRetry = <T>(policy: RetryPolicy, fn: (attempt: number) => Promise<T>) =>
  retryTransient(policy, isTransient, fn);
