/** OIDC sign-in (code + PKCE) against a real provider on loopback: users created, linked, mapped, audited. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { startTestIdp, type TestIdp } from './oidc-provider.js';
import { cookieHeader, makeTestApp, OWN_IDENTITY, type TestApp } from './support.js';

const CLIENT = { id: 'tenure-test', secret: 's3cret-for-tests-only' };
const REDIRECT = 'http://127.0.0.1:9/api/v1/auth/oidc/callback';
process.env.TENURE_TEST_OIDC_SECRET = CLIENT.secret;

describe.each(testDialects())('OIDC sign-in (%s)', (dialect) => {
  let idp: TestIdp;
  let t: TestApp;
  beforeAll(async () => {
    idp = await startTestIdp(CLIENT);
    t = await makeTestApp(dialect, {
      app: {
        auth: {
          oidc: {
            issuer: idp.issuer,
            client_id: CLIENT.id,
            client_secret: '${env:TENURE_TEST_OIDC_SECRET}',
            redirect_uri: REDIRECT,
            roles_claim: 'groups',
            role_map: { 'tenure-admins': 'admin', 'it-ops': 'operator' },
            allow_insecure_http: true,
          } as never,
        },
      },
    });
  });
  afterAll(async () => {
    await t?.cleanup();
    await idp?.close();
  });

  /** Browser walk: our /login → IdP /authorize → our /callback. */
  const signIn = async (tamper?: (callback: URL) => void, keepCookie = true) => {
    const start = await t.app.inject({ url: '/api/v1/auth/oidc/login' });
    expect(start.statusCode, start.body).toBe(302);
    const authorize = new URL(start.headers.location as string);
    const atIdp = await fetch(authorize, { redirect: 'manual' });
    expect(atIdp.status).toBe(302);
    const callback = new URL(atIdp.headers.get('location')!);
    tamper?.(callback);
    const done = await t.app.inject({
      url: `${callback.pathname}${callback.search}`,
      headers: keepCookie ? { cookie: cookieHeader(start) } : {},
    });
    return { start, authorize, done };
  };

  it('redirects with PKCE S256, state and nonce; the pending values sit in an HttpOnly cookie', async () => {
    idp.nextUser = { sub: 'u-1', email: 'first.visit@acme.example', email_verified: true };
    const { start, authorize } = await signIn();
    expect(authorize.origin).toBe(idp.issuer);
    const q = authorize.searchParams;
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toBeTruthy();
    expect(q.get('nonce')).toBeTruthy();
    expect(q.get('redirect_uri')).toBe(REDIRECT);
    const pending = start.cookies.find((c) => c.name === 'tenure_oidc')!;
    expect(pending).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/v1/auth/oidc' });
    expect(start.body).not.toContain(pending.value);
  });

  it('first sign-in creates the user with the mapped role and linked identity; audited', async () => {
    const before = (await t.tw.ws.store.audit.head()).seq;
    idp.nextUser = {
      sub: 'u-42',
      email: 'amira.haddad@acme.example',
      email_verified: true,
      name: 'Amira Haddad',
      groups: ['staff', 'it-ops'],
    };
    const { done } = await signIn();
    expect(done.statusCode, done.body).toBe(302);
    expect(done.headers.location).toBe('/');
    const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie: cookieHeader(done) } });
    expect(me.json()).toMatchObject({
      kind: 'session',
      name: 'amira.haddad@acme.example',
      role: 'operator',
      identity_id: OWN_IDENTITY,
    });
    const user = await t.tw.ws.store.users.byUsername('amira.haddad@acme.example');
    expect(user?.oidc_subject).toBe(`${idp.issuer}#u-42`);
    expect(await t.tw.ws.store.users.passwordHash(user!.id)).toBeNull();
    const events = await t.auditActions(before);
    expect(events.map((e) => e.action)).toEqual(['user.created', 'auth.login']);
    expect(JSON.parse(events[1]!.details)).toMatchObject({ method: 'oidc' });

    // Next time: the same user (found by subject), role re-synced from the groups claim.
    idp.nextUser = { ...idp.nextUser, groups: ['tenure-admins'] };
    const again = await signIn();
    expect(again.done.statusCode).toBe(302);
    const me2 = await t.app.inject({
      url: '/api/v1/me',
      headers: { cookie: cookieHeader(again.done) },
    });
    expect(me2.json().role).toBe('admin');
    expect((await t.tw.ws.store.users.list()).filter((u) => u.oidc_subject)).toHaveLength(2);

    // Another subject claiming a username already linked elsewhere does not take it over.
    idp.nextUser = { sub: 'u-43', email: 'amira.haddad@acme.example', email_verified: true };
    const takeover = await signIn();
    expect(takeover.done.statusCode).toBe(403);
  });

  it('a tampered state, a missing cookie or an unverified e-mail is refused and audited', async () => {
    const before = (await t.tw.ws.store.audit.head()).seq;
    idp.nextUser = { sub: 'u-7', email: 'someone@acme.example', email_verified: true };
    const tampered = await signIn((u) => u.searchParams.set('state', 'forged'));
    expect(tampered.done.statusCode).toBe(401);
    expect(tampered.done.json().code).toBe('auth.oidc_failed');
    const noCookie = await signIn(undefined, false);
    expect(noCookie.done.statusCode).toBe(401);
    idp.nextUser = { sub: 'u-8', email: 'unverified@acme.example', email_verified: false };
    const unverified = await signIn();
    expect(unverified.done.statusCode).toBe(403);
    expect(unverified.done.json().code).toBe('auth.oidc_user_unknown');
    const reasons = (await t.auditActions(before))
      .filter((e) => e.action === 'auth.login_failed')
      .map((e) => JSON.parse(e.details).reason);
    expect(reasons).toEqual(['idp_refused', 'no_pending_sign_in', 'email_not_verified']);
    expect(await t.tw.ws.store.users.byUsername('unverified@acme.example')).toBeUndefined();
  });

  it('providers lists OIDC next to passwords', async () => {
    expect((await t.app.inject({ url: '/api/v1/auth/providers' })).json()).toEqual({
      password: true,
      oidc: true,
    });
  });
});
