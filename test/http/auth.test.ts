/** Sign-in flows on a real store: password login, throttling, cookie flags, CSRF, logout, API tokens, users. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { cookieHeader, makeTestApp, PASSWORD, type TestApp } from './support.js';

const THROTTLE = { window_minutes: 15, max_failures_per_account: 3, max_failures_per_ip: 6 };

describe.each(testDialects())('sign-in and tokens (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect, {
      applyDayOne: false,
      app: { auth: { throttle: THROTTLE } },
    });
  });
  afterAll(() => t?.cleanup());

  const login = (username: string, password: string, remoteAddress = '127.0.0.1') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
      remoteAddress,
    });
  const head = async () => (await t.tw.ws.store.audit.head()).seq;

  it('a good password opens a session: HttpOnly SameSite=Lax cookie, CSRF token, audited', async () => {
    const before = await head();
    const res = await login('operator-user', PASSWORD);
    expect(res.statusCode, res.body).toBe(200);
    const session = res.cookies.find((c) => c.name === 'tenure_session')!;
    const csrf = res.cookies.find((c) => c.name === 'tenure_csrf')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(session.secure).toBeFalsy(); // plain HTTP here; the TLS process test checks Secure
    expect(csrf.httpOnly).toBeFalsy();
    expect(res.json().csrf_token).toBe(csrf.value);
    expect(res.json().user).toMatchObject({ username: 'operator-user', role: 'operator' });
    expect(JSON.stringify(res.json())).not.toContain('password');
    // Stored hashed: the cookie value appears nowhere in the sessions table.
    const rows = await t.tw.db.query<{ id_hash: string }>('select id_hash from sessions');
    expect(rows.some((r) => r.id_hash === session.value)).toBe(false);
    const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie: cookieHeader(res) } });
    expect(me.json()).toMatchObject({
      kind: 'session',
      role: 'operator',
      actor: 'admin:operator-user',
    });
    const events = await t.auditActions(before);
    expect(events).toContainEqual(
      expect.objectContaining({ action: 'auth.login', actor: 'admin:operator-user' }),
    );
  });

  it('cookies are Secure when configured for a TLS-terminating proxy', async () => {
    const { buildApp } = await import('../../src/http/app.js');
    const { pino } = await import('pino');
    const app = await buildApp({
      ws: t.tw.ws,
      log: pino({ level: 'silent' }),
      server: { secure_cookies: 'always' },
    });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'auditor-user', password: PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      expect(res.cookies.every((c) => c.secure)).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('a wrong password or unknown user is the same 401, with no cookie, and audited with the reason', async () => {
    const before = await head();
    const bad = await login('auditor-user', 'wrong password!!');
    const unknown = await login('nobody-here', 'wrong password!!');
    for (const res of [bad, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'auth.invalid_credentials', status: 401 });
      expect(res.cookies).toEqual([]);
    }
    expect(bad.json().detail).toBe(unknown.json().detail);
    const failed = (await t.auditActions(before)).filter((e) => e.action === 'auth.login_failed');
    expect(failed.map((e) => JSON.parse(e.details).reason)).toEqual([
      'bad_password',
      'unknown_user',
    ]);
    expect(failed.every((e) => !e.details.includes('wrong password'))).toBe(true);
  });

  it('throttles an account after N failures, even with the right password, until the window passes', async () => {
    for (let i = 0; i < THROTTLE.max_failures_per_account; i++)
      expect((await login('reviewer-user', `wrong-${i}-password`, `10.1.0.${i}`)).statusCode).toBe(
        401,
      );
    const before = await head();
    const blocked = await login('reviewer-user', PASSWORD, '10.1.0.99');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'auth.throttled' });
    expect(Number(blocked.headers['retry-after'])).toBe(THROTTLE.window_minutes * 60);
    expect(
      (await t.auditActions(before)).map((e) => [e.action, JSON.parse(e.details).reason]),
    ).toEqual([['auth.login_failed', 'throttled']]);
    // Other accounts are not affected.
    expect((await login('auditor-user', PASSWORD)).statusCode).toBe(200);
    t.tw.setNow('2026-11-26T09:16:00Z');
    expect((await login('reviewer-user', PASSWORD)).statusCode).toBe(200);
  });

  it('throttles a client IP that guesses across accounts', async () => {
    for (let i = 0; i < THROTTLE.max_failures_per_ip; i++)
      expect((await login(`guess-${i}`, 'wrong password!!', '10.9.9.9')).statusCode).toBe(401);
    const blocked = await login('auditor-user', PASSWORD, '10.9.9.9');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().detail).toMatch(/ip/);
    expect((await login('auditor-user', PASSWORD, '10.9.9.10')).statusCode).toBe(200);
  });

  it('a cookie-authenticated write without the CSRF token is refused (403) and audited', async () => {
    const s = await t.login('operator-user');
    const before = await head();
    const plan = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/api/v1/runs/plan', headers, payload: {} });
    const missing = await plan({ cookie: s.cookie });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().code).toBe('auth.csrf');
    const wrong = await plan({ cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) });
    expect(wrong.statusCode).toBe(403);
    const denied = (await t.auditActions(before)).filter((e) => e.action === 'auth.denied');
    expect(denied).toHaveLength(2);
    expect(JSON.parse(denied[0]!.details)).toMatchObject({ reason: 'csrf', role: 'operator' });
    expect((await plan({ cookie: s.cookie, 'x-csrf-token': s.csrf })).statusCode).toBe(200);
    // Reads need no token; API tokens need none either (no ambient credential to abuse).
    expect(
      (await t.app.inject({ url: '/api/v1/runs', headers: { cookie: s.cookie } })).statusCode,
    ).toBe(200);
    expect((await plan(t.bearer('operator'))).statusCode).toBe(200);
  });

  it('logout ends the session (cookie no longer works) and is audited', async () => {
    const s = await t.login('auditor-user');
    const before = await head();
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    });
    expect(out.statusCode, out.body).toBe(200);
    expect(out.cookies.find((c) => c.name === 'tenure_session')?.value).toBe('');
    const after = await t.app.inject({ url: '/api/v1/me', headers: { cookie: s.cookie } });
    expect(after.statusCode).toBe(401);
    expect((await t.auditActions(before)).map((e) => e.action)).toContain('auth.logout');
  });

  it('API tokens: shown once, hashed at rest, scoped to a role, expiring, revocable — all audited', async () => {
    const before = await head();
    const create = (name: string, expires_in: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: t.bearer('admin'),
        payload: { name, role: 'auditor', expires_in },
      });
    const made = await create('nightly-export', '1h');
    expect(made.statusCode, made.body).toBe(201);
    const { token, id } = made.json();
    expect(token).toMatch(/^tnr_[A-Za-z0-9_-]{43}$/);
    const stored = await t.tw.db.query<Record<string, unknown>>(
      `select * from api_tokens where id = '${id}'`,
    );
    expect(JSON.stringify(stored)).not.toContain(token.slice(4));
    const list = await t.app.inject({ url: '/api/v1/tokens', headers: t.bearer('admin') });
    expect(list.body).not.toContain(token.slice(4));

    const use = (tk: string, url = '/api/v1/audit/verify') =>
      t.app.inject({ url, headers: { authorization: `Bearer ${tk}` } });
    expect((await use(token)).statusCode).toBe(200);
    expect((await use(token, '/api/v1/users')).statusCode).toBe(200); // auditor reads users
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/v1/runs/plan',
      headers: { authorization: `Bearer ${token}` },
      payload: {},
    });
    expect(write.json().code).toBe('auth.forbidden'); // the role, not the creator, decides

    const other = (await create('ci-job', '12h')).json(); // within the admin token's own day
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${other.id}`,
      headers: t.bearer('admin'),
    });
    expect(revoked.json()).toMatchObject({ state: 'revoked' });
    const afterRevoke = await use(other.token);
    expect(afterRevoke.statusCode).toBe(401);
    expect(afterRevoke.json().code).toBe('auth.token_revoked');

    t.tw.setNow('2026-11-26T11:00:00Z'); // the 1h token has expired
    const expired = await use(token);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('auth.token_expired');
    const garbage = await use('tnr_not-a-real-token');
    expect(garbage.json().code).toBe('auth.token_invalid');

    const events = await t.auditActions(before);
    const actions = events.map((e) => e.action);
    expect(actions.filter((a) => a === 'auth.token_created')).toHaveLength(2);
    expect(actions).toContain('auth.token_revoked');
    const denied = events
      .filter((e) => e.action === 'auth.denied')
      .map((e) => JSON.parse(e.details).reason);
    expect(denied).toEqual(['role', 'token_revoked', 'token_expired']); // garbage is not audited
    expect(JSON.stringify(events)).not.toContain(token.slice(4));
  });

  it('users: admins create (generated password shown once), disable ends sessions, the last admin stays', async () => {
    const before = await head();
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: t.bearer('admin'),
      payload: { username: 'new.person@example.com', role: 'requester', identity_id: 'E1005' },
    });
    expect(made.statusCode, made.body).toBe(201);
    const { user, password } = made.json();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const s = await t.login(user.username, password);
    expect(
      (await t.app.inject({ url: '/api/v1/me', headers: { cookie: s.cookie } })).json(),
    ).toMatchObject({
      role: 'requester',
      identity_id: 'E1005',
    });
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: t.bearer('admin'),
      payload: { username: 'new.person@example.com', role: 'requester' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('user.exists');

    const disable = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      headers: t.bearer('admin'),
      payload: { disabled: true },
    });
    expect(disable.statusCode, disable.body).toBe(200);
    expect(
      (await t.app.inject({ url: '/api/v1/me', headers: { cookie: s.cookie } })).statusCode,
    ).toBe(401);
    expect((await login(user.username, password)).statusCode).toBe(401);

    const demote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${t.users.admin.id}`,
      headers: t.bearer('admin'),
      payload: { role: 'auditor' },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().code).toBe('user.last_admin');
    const actions = (await t.auditActions(before)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.created', 'auth.login', 'user.updated']));
  });

  it('a session ends after auth.session_hours, and its row goes', async () => {
    const s = await t.login('auditor-user');
    const me = () => t.app.inject({ url: '/api/v1/me', headers: { cookie: s.cookie } });
    expect((await me()).statusCode).toBe(200);
    const count = async () =>
      (await t.tw.db.query<{ n: number }>('select count(*) as n from sessions'))[0]!.n;
    const before = Number(await count());
    t.tw.setNow('2026-11-27T12:00:00Z'); // 12 h later, and more
    expect((await me()).statusCode).toBe(401);
    expect(Number(await count())).toBe(before - 1);
  });
});
