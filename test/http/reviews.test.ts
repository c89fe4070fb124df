/** The review API on each store: roles, a reviewer's own items only, coded refusals, sign-off with re-authentication. */
import type { LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/roles.js';
import { type BuiltApp, buildApp } from '../../src/http/app.js';
import { createApiToken } from '../../src/http/auth/tokens.js';
import { createUser } from '../../src/http/auth/users.js';
import { definition, reviewsWorkspace } from '../governance/reviews-fixture.js';
import { testDialects } from '../support/databases.js';
import type { TestWorkspace } from '../support/workspace.js';
import { cookieHeader, PASSWORD } from './support.js';

type Who = { headers: Record<string, string> };

describe.each(testDialects())('review API (%s)', (dialect) => {
  let t: TestWorkspace;
  let app: BuiltApp;
  const as: Record<string, Who> = {};
  let id: string;

  const token = async (role: Role) => {
    const { token } = await createApiToken(t.ws.store, {
      name: `${role}-t`,
      role,
      expiresInMs: 86_400_000,
      actor: 'admin:setup',
      userId: null,
      now: t.ws.clock(),
    });
    return { headers: { authorization: `Bearer ${token}` } };
  };
  /** A signed-in reviewer linked to an HR identity (session cookie + CSRF header). */
  const person = async (username: string, identity: string): Promise<Who> => {
    await createUser(
      t.ws.store,
      { username, role: 'reviewer', password: PASSWORD, identity_id: identity },
      'admin:setup',
      t.ws.clock(),
    );
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    return { headers: { cookie: cookieHeader(res), 'x-csrf-token': res.json().csrf_token } };
  };
  const call = (
    who: Who,
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse> =>
    app.inject({
      method,
      url,
      headers: who.headers,
      ...(payload !== undefined && { payload: payload as object }),
    });

  beforeAll(async () => {
    t = await reviewsWorkspace(dialect);
    app = await buildApp({ ws: t.ws, log: pino({ level: 'silent' }) });
    await app.ready();
    as.admin = await token('admin');
    as.auditor = await token('auditor');
    as.p2 = await person('hannah', 'P002');
    as.p1 = await person('claire', 'P001');
  });
  afterAll(async () => {
    await app?.close();
    await t?.cleanup();
  });

  it('admin creates and launches; the auditor reads but may not create', async () => {
    expect(
      (await call(as.auditor!, 'POST', '/api/v1/reviews/campaigns', definition())).statusCode,
    ).toBe(403);
    const bad = await call(
      as.admin!,
      'POST',
      '/api/v1/reviews/campaigns',
      definition({ stages: [] }),
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'review.invalid' });
    const made = await call(as.admin!, 'POST', '/api/v1/reviews/campaigns', definition());
    expect(made.statusCode).toBe(201);
    id = made.json().id;
    const launched = await call(as.admin!, 'POST', `/api/v1/reviews/campaigns/${id}/launch`);
    expect(launched.statusCode).toBe(200);
    expect(launched.json()).toMatchObject({ status: 'active', snapshot_items: 14 });
    const read = await call(as.auditor!, 'GET', `/api/v1/reviews/campaigns/${id}`);
    expect(read.json()).toMatchObject({ id, counts: { total: 14, undecided: 14 } });
    const all = await call(as.auditor!, 'GET', `/api/v1/reviews/campaigns/${id}/items?limit=500`);
    expect(all.json().items).toHaveLength(14);
    const tpl = await call(as.admin!, 'POST', '/api/v1/reviews/campaigns', {
      template: 'quarterly',
    });
    expect(tpl.json()).toMatchObject({ name: 'Directory access 2026-Q4' });
  });

  it("a reviewer sees only their items, and can't decide anyone else's", async () => {
    const inbox = await call(as.p2!, 'GET', '/api/v1/reviews/inbox?limit=3');
    expect(inbox.statusCode).toBe(200);
    expect(inbox.json().items).toHaveLength(3);
    expect(inbox.json().next).not.toBeNull();
    const rest = await call(
      as.p2!,
      'GET',
      `/api/v1/reviews/inbox?limit=50&cursor=${inbox.json().next}`,
    );
    expect(rest.json().items).toHaveLength(5);
    const items = (
      await call(as.p2!, 'GET', `/api/v1/reviews/campaigns/${id}/items?limit=500`)
    ).json().items;
    expect(items.every((i: { reviewer: string }) => i.reviewer === 'P002')).toBe(true);
    expect(items).toHaveLength(8);
    const ceoItem = (
      await call(as.auditor!, 'GET', `/api/v1/reviews/campaigns/${id}/items?identity=P001`)
    ).json().items[0];
    expect((await call(as.p2!, 'GET', `/api/v1/reviews/items/${ceoItem.id}`)).statusCode).toBe(404);
    const theirs = await call(as.p2!, 'POST', `/api/v1/reviews/campaigns/${id}/decisions`, {
      decisions: [{ item: ceoItem.id, action: 'approve' }],
    });
    expect(theirs.statusCode).toBe(403);
    expect(theirs.json()).toMatchObject({ code: 'review.not_your_item' });
    const auditor = await call(as.auditor!, 'POST', `/api/v1/reviews/campaigns/${id}/decisions`, {
      decisions: [{ item: ceoItem.id, action: 'approve' }],
    });
    expect(auditor.statusCode).toBe(403);
  });

  it('decides, refuses a missing justification and a stale version, signs off with the password', async () => {
    const items = (
      await call(as.p2!, 'GET', `/api/v1/reviews/campaigns/${id}/items?limit=500`)
    ).json().items as {
      id: number;
      entitlement_id: string;
      identity_id: string;
      version: number;
    }[];
    const revoke = items.find((i) => i.identity_id === 'P003' && i.entitlement_id === 'admin')!;
    const noWhy = await call(as.p2!, 'POST', `/api/v1/reviews/campaigns/${id}/decisions`, {
      decisions: [{ item: revoke.id, action: 'revoke' }],
    });
    expect(noWhy.statusCode).toBe(400);
    expect(noWhy.json()).toMatchObject({ code: 'review.justification_required' });
    const decisions = items.map((i) =>
      i.entitlement_id === 'admin'
        ? {
            item: i.id,
            action: 'revoke',
            justification: 'no longer on call',
            expected_version: i.version,
          }
        : { item: i.id, action: 'approve', expected_version: i.version },
    );
    const ok = await call(as.p2!, 'POST', `/api/v1/reviews/campaigns/${id}/decisions`, {
      decisions,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().items[0]).toMatchObject({ decided_by: 'reviewer:hannah', version: 1 });
    const stale = await call(as.p2!, 'POST', `/api/v1/reviews/campaigns/${id}/decisions`, {
      decisions: [decisions[0]],
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'review.decision_conflict' });

    const wrong = await call(as.p2!, 'POST', `/api/v1/reviews/campaigns/${id}/signoff`, {
      password: 'not it at all',
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'review.reauth_failed' });
    const signed = await call(as.p2!, 'POST', `/api/v1/reviews/campaigns/${id}/signoff`, {
      password: PASSWORD,
    });
    expect(signed.statusCode).toBe(200);
    expect(signed.json()).toMatchObject({
      reviewer: 'P002',
      items: 8,
      method: 'password',
      actor: 'reviewer:hannah',
    });
    const listed = await call(as.auditor!, 'GET', `/api/v1/reviews/campaigns/${id}/signoffs`);
    expect(listed.json().items[0].statement_sha256).toBe(signed.json().statement_sha256);
  });

  it('operator closes; decisions on the closed campaign are refused', async () => {
    expect((await call(as.p2!, 'POST', `/api/v1/reviews/campaigns/${id}/close`)).statusCode).toBe(
      403,
    );
    const closed = await call(as.admin!, 'POST', `/api/v1/reviews/campaigns/${id}/close`);
    expect(closed.statusCode).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'completed', summary: { items: 14, revoke: 2 } });
    const ceo = (await call(as.p1!, 'GET', '/api/v1/reviews/inbox?all=true')).json().items;
    expect(ceo).toEqual([]);
    const item = (
      await call(as.auditor!, 'GET', `/api/v1/reviews/campaigns/${id}/items?identity=P002`)
    ).json().items[0];
    const late = await call(as.p1!, 'POST', `/api/v1/reviews/campaigns/${id}/decisions`, {
      decisions: [{ item: item.id, action: 'approve' }],
    });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'review.closed' });
  });

  it('every review route has an operationId and the reviews tag in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/api/v1/openapi.json' })).json();
    const ops = Object.entries(
      doc.paths as Record<string, Record<string, { operationId?: string; tags?: string[] }>>,
    )
      .filter(([path]) => path.startsWith('/api/v1/reviews'))
      .flatMap(([, methods]) => Object.values(methods));
    expect(ops).toHaveLength(12);
    for (const op of ops) {
      expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.tags).toEqual(['reviews']);
    }
  });
});
