/**
 * Role-based access: every route declares `config: { rbac }` — the roles allowed, `'self'` (the
 * caller's own identity is the route's `:id`), or `'public'`. An onRequest hook enforces it before
 * the body is even read; a route without a rule is refused to everyone (and fails the RBAC test).
 */
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { TenureError } from '../domain/errors.js';
import { ROLES } from '../domain/roles.js';
import { createAuthenticator, deniedAudit } from './auth/authenticate.js';
import { safeEqual } from './auth/secrets.js';
import { CSRF_HEADER } from './auth/sessions.js';
import type { RbacRule } from './rbac-rule.js';
import type { AppDeps, Principal } from './types.js';

/** Shorthands for the common rules. */
export const EVERYONE: RbacRule = ROLES;
export const STAFF: RbacRule = ['admin', 'operator', 'auditor'];
export const EVIDENCE: RbacRule = ['admin', 'auditor'];
export const OPERATE: RbacRule = ['admin', 'operator'];
export const ADMIN: RbacRule = ['admin'];

export type Decision = 'allow' | 'unauthenticated' | 'forbidden' | 'no_rule';

/** Pure: whether `principal` may call a route with `rule`, given the route's path parameters. */
export function decide(
  rule: RbacRule | undefined,
  principal: Pick<Principal, 'role' | 'identity_id'> | null,
  params: Record<string, unknown>,
): Decision {
  if (rule === undefined) return 'no_rule';
  if (rule === 'public') return 'allow';
  if (!principal) return 'unauthenticated';
  if (rule.includes(principal.role)) return 'allow';
  const own = principal.identity_id !== null && params.id === principal.identity_id;
  return rule.includes('self') && own ? 'allow' : 'forbidden';
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function rbacHook(deps: AppDeps): onRequestAsyncHookHandler {
  const authenticate = createAuthenticator(deps);
  const denied = async (req: FastifyRequest, p: Principal, reason: string) => {
    await deps.services.audit([
      { ...deniedAudit(req, p.actor, reason, { role: p.role }), ts: deps.clock().toISOString() },
    ]);
  };
  return async (req) => {
    if (req.is404) return;
    const rule = req.routeOptions.config.rbac;
    if (rule === 'public') return;
    const principal = rule === undefined ? null : await authenticate(req);
    req.principal = principal;
    const decision = decide(rule, principal, (req.params ?? {}) as Record<string, unknown>);
    if (decision === 'no_rule') {
      req.log.error({ route: req.routeOptions.url }, 'route declares no rbac rule: refused');
      throw new TenureError('auth.no_rule', 'this route declares no access rule');
    }
    if (decision === 'unauthenticated')
      throw new TenureError('auth.unauthenticated', 'sign in or send an API token');
    if (decision === 'forbidden') {
      await denied(req, principal!, 'role');
      throw new TenureError('auth.forbidden', `role ${principal!.role} may not do this`);
    }
    // A cookie is sent by the browser on its own; a write must also prove it came from our page.
    if (principal!.kind === 'session' && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, principal!.session!.csrf_token)) {
        await denied(req, principal!, 'csrf');
        throw new TenureError('auth.csrf', `send the session's CSRF token in ${CSRF_HEADER}`);
      }
    }
  };
}
