/**
 * Browser sessions: an HttpOnly cookie holding a random id (stored hashed), a CSRF token bound to
 * the session, SameSite=Lax, Secure under TLS.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserRow } from '../../store/auth-types.js';
import type { Store } from '../../store/types.js';
import { randomSecret, sha256Hex } from './secrets.js';

export const SESSION_COOKIE = 'tenure_session';
/** Readable by the page's script (not HttpOnly) so it can echo it in X-CSRF-Token. */
export const CSRF_COOKIE = 'tenure_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export type StartedSession = {
  /** The cookie value: never stored, only its SHA-256. */
  secret: string;
  csrf_token: string;
  expires_at: string;
};

export async function startSession(
  store: Store,
  user: UserRow,
  opts: { method: 'password' | 'oidc'; ip: string | null; now: Date; hours: number },
): Promise<StartedSession> {
  const secret = randomSecret();
  const csrf = randomSecret();
  const expires = new Date(opts.now.getTime() + opts.hours * 3_600_000).toISOString();
  await store.sessions.create({
    id_hash: sha256Hex(secret),
    user_id: user.id,
    csrf_token: csrf,
    method: opts.method,
    ip: opts.ip,
    created_at: opts.now.toISOString(),
    expires_at: expires,
  });
  return { secret, csrf_token: csrf, expires_at: expires };
}

/** Secure when the request came over TLS (directly, or via a trusted proxy) or config says always. */
export const secureCookies = (req: FastifyRequest, always: boolean) =>
  always || req.protocol === 'https';

export function setSessionCookies(
  reply: FastifyReply,
  req: FastifyRequest,
  session: StartedSession,
  always: boolean,
): void {
  const expires = new Date(session.expires_at);
  const base = { path: '/', sameSite: 'lax' as const, secure: secureCookies(req, always), expires };
  reply.setCookie(SESSION_COOKIE, session.secret, { ...base, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, session.csrf_token, { ...base, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply, req: FastifyRequest, always: boolean) {
  const base = { path: '/', sameSite: 'lax' as const, secure: secureCookies(req, always) };
  reply.clearCookie(SESSION_COOKIE, { ...base, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, base);
}
