/** Sign-in and sign-out: local password, OIDC (code + PKCE), every attempt audited. */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { TenureError } from '../../domain/errors.js';
import type { AuditInput } from '../../store/types.js';
import { decodePending, encodePending, OIDC_COOKIE, OIDC_COOKIE_PATH } from '../auth/oidc.js';
import { oidcUser } from '../auth/oidc-users.js';
import { dummyHash, MAX_PASSWORD_LENGTH, verifyPassword } from '../auth/passwords.js';
import {
  clearSessionCookies,
  secureCookies,
  setSessionCookies,
  startSession,
} from '../auth/sessions.js';
import { userActor } from '../auth/users.js';
import { EVERYONE } from '../rbac.js';
import { errors, redirect, userSchema } from '../schemas.js';
import type { RouteModule } from '../types.js';

const loginBody = z.strictObject({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});
const callbackParam = z.string().max(4096);
const sessionResponse = z.object({
  user: userSchema,
  csrf_token: z.string().describe('send it as X-CSRF-Token on every write made with the cookie'),
  expires_at: z.string(),
});

export const authRoutes: RouteModule = async (app, deps) => {
  const { ws, clock, services } = deps;
  const always = services.server.secure_cookies === 'always';
  /** Sessions nobody comes back with are swept now and then, at sign-in. */
  let lastSweep = 0;
  const sweepSessions = async (now: Date) => {
    if (now.getTime() - lastSweep < 3_600_000) return;
    lastSweep = now.getTime();
    await ws.store.sessions.deleteExpired(now.toISOString());
  };

  const event = (
    req: FastifyRequest,
    action: AuditInput['action'],
    actor: string,
    username: string,
    details: Record<string, unknown>,
    outcome: AuditInput['outcome'] = 'success',
  ): AuditInput => ({
    action,
    actor,
    trigger: `request:${req.id}`,
    target: `user:${username}`,
    outcome,
    details: { ip: req.ip, ...details },
    ts: clock().toISOString(),
  });

  app.get(
    '/api/v1/auth/providers',
    {
      config: { rbac: 'public' },
      schema: {
        tags: ['auth'],
        operationId: 'listAuthProviders',
        summary: 'How one can sign in here',
        security: [],
        response: { 200: z.object({ password: z.boolean(), oidc: z.boolean() }), ...errors },
      },
    },
    async () => ({ password: services.auth.password_login, oidc: services.oidc !== undefined }),
  );

  app.post(
    '/api/v1/auth/login',
    {
      config: { rbac: 'public' },
      schema: {
        tags: ['auth'],
        operationId: 'login',
        summary: 'Sign in with username and password; sets the session cookie',
        description:
          'Throttled per account and per client IP (each attempt counts before the password is checked); a few password checks run at once, beyond that 503 auth.busy with Retry-After. Every success and failure is audited.',
        security: [],
        body: loginBody,
        response: { 200: sessionResponse, ...errors },
      },
    },
    async (req, reply) => {
      if (!services.auth.password_login)
        throw new TenureError('auth.password_login_disabled', 'sign in through OIDC');
      const { username, password } = req.body;
      const verdict = await services.throttle.begin(username, req.ip);
      if (verdict.blocked) {
        await services.audit([
          event(
            req,
            'auth.login_failed',
            'anonymous',
            username,
            {
              reason: 'throttled',
              scope: verdict.scope,
            },
            'failure',
          ),
        ]);
        throw new TenureError(
          'auth.throttled',
          `too many failed sign-ins for this ${verdict.scope}; try again later`,
          { retry_after: verdict.retry_after },
        );
      }
      const { attempt } = verdict;
      const user = await ws.store.users.byUsername(username);
      const hash = user ? await ws.store.users.passwordHash(user.id) : undefined;
      let matches: boolean;
      try {
        // Always one scrypt, so the answer time does not say whether the user exists.
        matches = await services.hashGate.run(async () =>
          verifyPassword(password, hash ?? (await dummyHash())),
        );
      } catch (e) {
        await attempt.abandoned();
        throw e;
      }
      const reason = !user
        ? 'unknown_user'
        : !hash
          ? 'no_password'
          : !matches
            ? 'bad_password'
            : user.disabled
              ? 'disabled'
              : null;
      if (reason !== null || !user) {
        // The attempt's slot stays taken: it is the recorded failure.
        await services.audit([
          event(req, 'auth.login_failed', 'anonymous', username, { reason }, 'failure'),
        ]);
        throw new TenureError('auth.invalid_credentials', 'wrong username or password');
      }
      await attempt.succeeded();
      await sweepSessions(clock());
      const session = await startSession(ws.store, user, {
        method: 'password',
        ip: req.ip,
        now: clock(),
        hours: services.auth.session_hours,
      });
      await services.audit([
        event(req, 'auth.login', userActor(user), user.username, { method: 'password' }),
      ]);
      setSessionCookies(reply, req, session, always);
      return { user, csrf_token: session.csrf_token, expires_at: session.expires_at };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { rbac: EVERYONE },
      schema: {
        tags: ['auth'],
        operationId: 'logout',
        summary: 'End the current session (cookie sign-in only)',
        body: z.strictObject({}).nullish(),
        response: { 200: z.object({ signed_out: z.boolean() }), ...errors },
      },
    },
    async (req, reply) => {
      const p = req.principal!;
      if (p.kind !== 'session' || !p.session)
        throw new TenureError('auth.not_a_session', 'API tokens are revoked, not signed out');
      await ws.store.sessions.delete(p.session.id_hash);
      await services.audit([event(req, 'auth.logout', p.actor, p.name, {})]);
      clearSessionCookies(reply, req, always);
      return { signed_out: true };
    },
  );

  app.get(
    '/api/v1/auth/oidc/login',
    {
      config: { rbac: 'public' },
      schema: {
        tags: ['auth'],
        operationId: 'startOidcLogin',
        summary: 'Start OIDC sign-in: redirects to the identity provider',
        security: [],
        response: { 302: redirect("the identity provider's authorization endpoint"), ...errors },
      },
    },
    async (req, reply) => {
      if (!services.oidc)
        throw new TenureError('auth.oidc_not_configured', 'no auth.oidc in tenure.yaml');
      const { url, pending } = await services.oidc.begin();
      reply.setCookie(OIDC_COOKIE, encodePending(pending), {
        path: OIDC_COOKIE_PATH,
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies(req, always),
        maxAge: 600,
      });
      return reply.redirect(url, 302);
    },
  );

  app.get(
    '/api/v1/auth/oidc/callback',
    {
      config: { rbac: 'public' },
      schema: {
        tags: ['auth'],
        operationId: 'finishOidcLogin',
        summary: 'Finish OIDC sign-in (the identity provider redirects here)',
        security: [],
        // The provider's answer (RFC 6749 §4.1.2, OIDC Core §3.1.2.5): named parameters, and any
        // other it adds (session_state, …) kept for openid-client, each bounded.
        querystring: z
          .object({
            code: callbackParam.optional().describe('the authorization code'),
            state: callbackParam.optional(),
            iss: callbackParam.optional().describe('the issuer (RFC 9207)'),
            error: callbackParam.optional().describe('why the provider refused'),
            error_description: callbackParam.optional(),
          })
          .catchall(callbackParam),
        response: { 302: redirect('the console (/), signed in'), ...errors },
      },
    },
    async (req, reply) => {
      const oidc = services.oidc;
      if (!oidc) throw new TenureError('auth.oidc_not_configured', 'no auth.oidc in tenure.yaml');
      const pending = decodePending(req.cookies[OIDC_COOKIE]);
      reply.clearCookie(OIDC_COOKIE, { path: OIDC_COOKIE_PATH });
      const fail = async (reason: string, username: string | null) => {
        await services.audit([
          event(
            req,
            'auth.login_failed',
            'anonymous',
            username ?? '(unknown)',
            {
              method: 'oidc',
              reason,
            },
            'failure',
          ),
        ]);
      };
      if (!pending) {
        await fail('no_pending_sign_in', null);
        throw new TenureError('auth.oidc_failed', 'no sign-in in progress (cookies blocked?)');
      }
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      let claims: Awaited<ReturnType<typeof oidc.finish>>;
      try {
        claims = await oidc.finish(query, pending);
      } catch (e) {
        await fail('idp_refused', null);
        throw e;
      }
      const now = clock();
      const found = await oidcUser(ws.store, oidc.config, claims, now);
      if ('refused' in found) {
        await fail(found.refused, found.username);
        throw new TenureError('auth.oidc_user_unknown', `sign-in refused: ${found.refused}`);
      }
      const session = await startSession(ws.store, found.user, {
        method: 'oidc',
        ip: req.ip,
        now,
        hours: services.auth.session_hours,
      });
      await services.audit([
        event(req, 'auth.login', userActor(found.user), found.user.username, { method: 'oidc' }),
      ]);
      setSessionCookies(reply, req, session, always);
      return reply.redirect('/', 302);
    },
  );
};
