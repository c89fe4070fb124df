/**
 * Walks the route table: every route, as every role and anonymously, allowed or denied exactly as
 * the matrix below (and docs/api.md) says. A route with no rule, or missing from this matrix
 * (unless `public`), fails the test — so nobody adds an endpoint without deciding who may call it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/domain/roles.js';
import { testDialects } from '../support/databases.js';
import { makeTestApp, OWN_IDENTITY, type TestApp } from './support.js';

const ALL = 'admin operator reviewer auditor requester';
const STAFF = 'admin operator auditor';
const EVIDENCE = 'admin auditor';
const OPERATE = 'admin operator';
const ADMIN = 'admin';
/** Whoever may be assigned review items; an auditor changes nothing. */
const DECIDE = 'admin operator reviewer requester';

/** `METHOD url` → roles allowed (space-separated). `public` routes need no entry. */
const MATRIX: Record<string, string> = {
  'POST /api/v1/auth/logout': ALL,
  'GET /api/v1/me': ALL,
  'GET /api/v1/me/access': ALL,
  'GET /api/v1/identities': STAFF,
  'GET /api/v1/identities/:id': STAFF,
  'GET /api/v1/identities/:id/history': STAFF,
  'GET /api/v1/identities/:id/access': STAFF,
  'GET /api/v1/applications': ALL,
  'GET /api/v1/applications/:id': ALL,
  'GET /api/v1/entitlements': ALL,
  'GET /api/v1/accounts': STAFF,
  'GET /api/v1/grants': STAFF,
  'GET /api/v1/quarantine': STAFF,
  'GET /api/v1/runs': STAFF,
  'GET /api/v1/runs/:id': STAFF,
  'GET /api/v1/runs/:id/operations': STAFF,
  'POST /api/v1/runs/plan': OPERATE,
  'POST /api/v1/runs': OPERATE,
  'POST /api/v1/runs/:id/approve': ADMIN,
  'GET /api/v1/tasks': STAFF,
  'GET /api/v1/tasks/:id': STAFF,
  'POST /api/v1/tasks/:id/close': OPERATE,
  'POST /api/v1/tasks/close': OPERATE,
  'GET /api/v1/audit/events': EVIDENCE,
  'GET /api/v1/audit/export': EVIDENCE,
  'GET /api/v1/audit/verify': EVIDENCE,
  'GET /api/v1/users': EVIDENCE,
  'POST /api/v1/users': ADMIN,
  'PATCH /api/v1/users/:id': ADMIN,
  'GET /api/v1/tokens': EVIDENCE,
  'POST /api/v1/tokens': ADMIN,
  'DELETE /api/v1/tokens/:id': ADMIN,
  'GET /api/v1/schedules': STAFF,
  'GET /api/v1/agents': STAFF,
  'GET /api/v1/agents/health': STAFF,
  'POST /api/v1/agents/:id/revoke': ADMIN,
  'POST /api/v1/reviews/campaigns': OPERATE,
  'GET /api/v1/reviews/campaigns': ALL,
  'GET /api/v1/reviews/campaigns/:id': ALL,
  'GET /api/v1/reviews/campaigns/:id/signoffs': STAFF,
  'POST /api/v1/reviews/campaigns/:id/launch': OPERATE,
  'POST /api/v1/reviews/campaigns/:id/advance': OPERATE,
  'POST /api/v1/reviews/campaigns/:id/close': OPERATE,
  'GET /api/v1/reviews/campaigns/:id/items': ALL,
  'GET /api/v1/reviews/inbox': ALL,
  'GET /api/v1/reviews/items/:id': ALL,
  'POST /api/v1/reviews/campaigns/:id/decisions': DECIDE,
  'POST /api/v1/reviews/campaigns/:id/signoff': DECIDE,
};
/** Routes whose `:id` is an identity: a person may read their own (`self`). */
const SELF = new Set([
  'GET /api/v1/identities/:id',
  'GET /api/v1/identities/:id/history',
  'GET /api/v1/identities/:id/access',
]);
const DENIALS = new Set(['auth.unauthenticated', 'auth.forbidden', 'auth.no_rule']);

describe.each(testDialects())('RBAC walk (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { applyDayOne: false });
  });
  afterAll(() => t?.cleanup());

  const call = (method: string, url: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: method as 'GET',
      // A placeholder id nobody has; nobody's own identity either.
      url: url.replace(/:(\w+)/g, '999999'),
      headers,
      // A body every write schema refuses: allowed calls end in a 4xx that is not a denial,
      // so the walk changes nothing.
      ...(method !== 'GET' && { payload: { __rbac_walk: true } }),
    });
  const denial = (res: { statusCode: number; json(): { code?: string } }) => {
    if (res.statusCode !== 401 && res.statusCode !== 403) return null;
    const code = res.json().code ?? '';
    return DENIALS.has(code) ? code : null;
  };

  it('every route declares a rule, and the matrix knows every non-public route', () => {
    const routes = t.app.routesTable;
    expect(routes.length).toBeGreaterThan(30);
    const noRule = routes.filter((r) => r.rbac === undefined).map((r) => `${r.method} ${r.url}`);
    expect(noRule, 'routes without config.rbac').toEqual([]);
    const unknown = routes
      .filter((r) => r.rbac !== 'public' && MATRIX[`${r.method} ${r.url}`] === undefined)
      .map((r) => `${r.method} ${r.url}`);
    expect(unknown, 'add these routes to MATRIX (and docs/api.md)').toEqual([]);
    const stale = Object.keys(MATRIX).filter(
      (k) => !routes.some((r) => `${r.method} ${r.url}` === k),
    );
    expect(stale, 'MATRIX entries with no route').toEqual([]);
  });

  it('every route × every role × anonymous is allowed or denied as the matrix says', async () => {
    const wrong: string[] = [];
    for (const route of t.app.routesTable) {
      const key = `${route.method} ${route.url}`;
      const allowed =
        route.rbac === 'public' ? new Set<Role>(ROLES) : new Set(MATRIX[key]?.split(' ') ?? []);
      const anon = await call(route.method, route.url);
      const anonDenied = denial(anon);
      if (route.rbac === 'public' ? anonDenied !== null : anonDenied !== 'auth.unauthenticated')
        wrong.push(`${key} anonymous -> ${anon.statusCode} ${anonDenied}`);
      for (const role of ROLES) {
        const res = await call(route.method, route.url, t.bearer(role));
        const denied = denial(res);
        const ok = allowed.has(role) ? denied === null : denied === 'auth.forbidden';
        if (!ok)
          wrong.push(`${key} as ${role} -> ${res.statusCode} ${denied ?? res.body.slice(0, 80)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("`self` routes let a person read their own identity, and nobody else's", async () => {
    for (const key of SELF) {
      const [method, url] = key.split(' ') as [string, string];
      for (const role of ['requester', 'reviewer'] as const) {
        const own = await t.app.inject({
          method: method as 'GET',
          url: url.replace(':id', OWN_IDENTITY),
          headers: t.bearer(role),
        });
        // Tokens carry no identity: only a signed-in person has a "self".
        expect(own.statusCode, `${key} own, token`).toBe(403);
      }
      const session = await t.login('requester-user');
      const own = await t.app.inject({
        method: method as 'GET',
        url: url.replace(':id', OWN_IDENTITY),
        headers: { cookie: session.cookie },
      });
      expect(denial(own), `${key} own identity`).toBeNull();
      const other = await t.app.inject({
        method: method as 'GET',
        url: url.replace(':id', 'E1002'),
        headers: { cookie: session.cookie },
      });
      expect(other.statusCode, `${key} someone else`).toBe(403);
    }
  });
});
