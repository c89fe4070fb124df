/**
 * scim: SaaS applications over SCIM 2.0 — Users (create, PATCH, active, delete) and Groups
 * (memberships), with ETags, paged reads, bearer or OAuth client-credentials auth, and per-app
 * rate limiting that honours Retry-After. Only `fetch`: the on-prem agent can run it unchanged.
 * @see https://www.rfc-editor.org/rfc/rfc7643
 * @see https://www.rfc-editor.org/rfc/rfc7644
 */
import type { ConnectorFactory } from '../contract.js';
import { applyBatch } from './apply.js';
import { createAuth } from './auth.js';
import { checkService } from './check.js';
import type { ScimCtx } from './context.js';
import { createHttp } from './http.js';
import { createMapping } from './mapping.js';
import { createRateLimiter } from './rate-limit.js';
import { readAccounts } from './read.js';
import { type ScimSettings, scimSettingsSchema } from './settings.js';

export const scimConnector: ConnectorFactory<ScimSettings> = {
  kind: 'scim',
  configGuard: scimSettingsSchema,
  async create(c) {
    const s = c.config;
    const auth = createAuth(s.auth, c.secret, s.timeout_ms);
    const http = createHttp({
      baseUrl: s.base_url,
      auth,
      limiter: createRateLimiter(s.rate_limit, s.rate_burst),
      timeoutMs: s.timeout_ms,
      retries: s.retries,
      backoffMs: s.retry_backoff_ms,
      maxRetryAfterMs: s.max_retry_after_ms,
      log: c.log,
      ...(c.signal ? { signal: c.signal } : {}),
    });
    const ctx: ScimCtx = {
      settings: s,
      http,
      mapping: createMapping(s),
      log: c.log,
      retry: {
        retries: s.retries,
        backoffMs: s.retry_backoff_ms,
        ...(c.signal ? { signal: c.signal } : {}),
      },
      userIds: new Map(),
      aliases: new Map(),
      groupIds: new Map(),
    };
    return {
      check: () => checkService(ctx, auth.describe()),
      read: () => readAccounts(ctx),
      async *apply(ops) {
        yield* await applyBatch(ctx, ops);
      },
      async close() {
        ctx.userIds.clear();
        ctx.aliases.clear();
        ctx.groupIds.clear();
      },
    };
  },
};
