/** Who is calling: an API token (Authorization: Bearer) or a session cookie; refusals of known tokens are audited. */
import type { FastifyRequest } from 'fastify';
import { TenureError } from '../../domain/errors.js';
import { meetRole } from '../../domain/roles.js';
import type { AuditInput } from '../../store/types.js';
import type { AppDeps, Principal } from '../types.js';
import { sha256Hex } from './secrets.js';
import { SESSION_COOKIE } from './sessions.js';
import { hashToken, TOKEN_PREFIX, tokenState } from './tokens.js';
import { userActor } from './users.js';

/** last_used_at is a hint, not a log: write it at most once a minute per token. */
const TOUCH_EVERY_MS = 60_000;

export const deniedAudit = (
  req: FastifyRequest,
  actor: string,
  reason: string,
  extra: Record<string, unknown> = {},
): AuditInput => ({
  action: 'auth.denied',
  actor,
  trigger: `request:${req.id}`,
  target: `route:${req.method} ${req.routeOptions.url ?? req.url}`,
  outcome: 'failure' as const,
  details: { reason, ip: req.ip, ...extra },
});

export function createAuthenticator(deps: AppDeps) {
  const { ws, clock, services } = deps;
  const touched = new Map<string, number>();

  const fromToken = async (req: FastifyRequest, token: string): Promise<Principal> => {
    const row = token.startsWith(TOKEN_PREFIX)
      ? await ws.store.apiTokens.byHash(hashToken(token))
      : undefined;
    if (!row) throw new TenureError('auth.token_invalid', 'the API token is not valid');
    const now = clock();
    const state = tokenState(row, now);
    if (state !== 'active') {
      // A real token used after its end is worth an auditor's attention; random strings are not.
      await services.audit([
        {
          ...deniedAudit(req, `token:${row.name}`, `token_${state}`, { token: row.id }),
          ts: now.toISOString(),
        },
      ]);
      const code = state === 'expired' ? 'auth.token_expired' : 'auth.token_revoked';
      throw new TenureError(code, `the API token was ${state}`);
    }
    // A token acts for its owner: it dies with the owner's account and shrinks with their role.
    let role = row.role;
    if (row.user_id !== null) {
      const owner = await ws.store.users.get(row.user_id);
      if (!owner || owner.disabled) {
        await services.audit([
          {
            ...deniedAudit(req, `token:${row.name}`, 'token_owner_disabled', {
              token: row.id,
              owner: row.user_id,
            }),
            ts: now.toISOString(),
          },
        ]);
        throw new TenureError(
          'auth.token_owner_disabled',
          "the API token's owner is disabled or gone",
        );
      }
      role = meetRole(row.role, owner.role);
    }
    const last = touched.get(row.id) ?? (row.last_used_at ? Date.parse(row.last_used_at) : 0);
    if (now.getTime() - last > TOUCH_EVERY_MS) {
      touched.set(row.id, now.getTime());
      await ws.store.apiTokens.touch(row.id, now.toISOString());
    }
    return {
      kind: 'token',
      role,
      name: row.name,
      user_id: row.user_id,
      identity_id: null,
      actor: `token:${row.name}`,
      token_id: row.id,
      token_expires_at: row.expires_at,
    };
  };

  const fromSession = async (secret: string): Promise<Principal | null> => {
    const found = await ws.store.sessions.get(sha256Hex(secret));
    if (!found) return null;
    const { session, user } = found;
    if (session.expires_at <= clock().toISOString()) {
      await ws.store.sessions.delete(session.id_hash);
      return null;
    }
    if (user.disabled) return null;
    return {
      kind: 'session',
      role: user.role,
      name: user.username,
      user_id: user.id,
      identity_id: user.identity_id,
      actor: userActor(user),
      session: {
        id_hash: session.id_hash,
        csrf_token: session.csrf_token,
        expires_at: session.expires_at,
        method: session.method,
      },
    };
  };

  /** null: nobody signed in. Throws for a bad or ended token (never falls back to the cookie). */
  return async (req: FastifyRequest): Promise<Principal | null> => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw new TenureError('auth.token_invalid', 'use "Authorization: Bearer <token>"');
      return fromToken(req, m[1]!);
    }
    const cookie = req.cookies[SESSION_COOKIE];
    return cookie ? fromSession(cookie) : null;
  };
}
