/** API tokens follow their owner: refused once the owner is disabled, never above the owner's role, never outliving or outranking the token that made them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/roles.js';
import { createUser } from '../../src/http/auth/users.js';
import { testDialects } from '../support/databases.js';
import { makeTestApp, PASSWORD, type TestApp } from './support.js';

describe.each(testDialects())('tokens follow their owner (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { applyDayOne: false });
  });
  afterAll(() => t?.cleanup());

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: object) =>
    t.app.inject({ method, url, headers: bearer(token), ...(payload && { payload }) });
  /** A user of `role`, signed in, who mints a token of `tokenRole` through the API. */
  const ownerWithToken = async (username: string, role: Role, tokenRole: Role = role) => {
    const { user } = await createUser(
      t.tw.ws.store,
      { username, role, password: PASSWORD },
      'admin:setup',
      t.tw.ws.clock(),
    );
    // Only an admin may mint: a non-admin owner gets an admin to do it… as themselves, so make
    // them admin for the minting and set the role afterwards.
    if (role !== 'admin')
      await t.tw.ws.store.users.update(user.id, { role: 'admin' }, t.tw.ws.clock().toISOString());
    const s = await t.login(username);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: { name: `${username}-token`, role: tokenRole, expires_in: '30d' },
    });
    expect(res.statusCode, res.body).toBe(201);
    if (role !== 'admin')
      await t.tw.ws.store.users.update(user.id, { role }, t.tw.ws.clock().toISOString());
    return { user, token: res.json().token as string };
  };

  it("a disabled owner's token is refused (401, audited) and cannot re-enable its owner", async () => {
    const { user, token } = await ownerWithToken('dana', 'admin');
    expect((await call('GET', '/api/v1/me', token)).json().role).toBe('admin');
    const off = await call('PATCH', `/api/v1/users/${user.id}`, t.tokens.admin, { disabled: true });
    expect(off.statusCode, off.body).toBe(200);
    const before = (await t.tw.ws.store.audit.head()).seq;
    const back = await call('PATCH', `/api/v1/users/${user.id}`, token, {
      disabled: false,
      password: 'a brand new password 42',
    });
    expect(back.statusCode).toBe(401);
    expect(back.json().code).toBe('auth.token_owner_disabled');
    expect((await t.tw.ws.store.users.get(user.id))!.disabled).toBe(true);
    const denied = (await t.auditActions(before)).filter((e) => e.action === 'auth.denied');
    expect(denied.map((e) => JSON.parse(e.details).reason)).toEqual(['token_owner_disabled']);
    // Another admin's token may not re-enable an admin either; a person may, and the token
    // works again (it was never revoked).
    const byToken = await call('PATCH', `/api/v1/users/${user.id}`, t.tokens.admin, {
      disabled: false,
    });
    expect(byToken.json().code).toBe('user.outranks_token');
    const s = await t.login('admin-user');
    const byPerson = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${user.id}`,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: { disabled: false },
    });
    expect(byPerson.statusCode, byPerson.body).toBe(200);
    expect((await call('GET', '/api/v1/me', token)).statusCode).toBe(200);
  });

  it("a demoted owner's token acts with the owner's current role at most", async () => {
    const { user, token } = await ownerWithToken('eli', 'admin');
    await call('PATCH', `/api/v1/users/${user.id}`, t.tokens.admin, { role: 'auditor' });
    const me = await call('GET', '/api/v1/me', token);
    expect(me.json()).toMatchObject({ kind: 'token', role: 'auditor' });
    expect((await call('GET', '/api/v1/audit/events', token)).statusCode).toBe(200);
    const mint = await call('POST', '/api/v1/tokens', token, { name: 'again', role: 'admin' });
    expect(mint.statusCode).toBe(403);
    expect(mint.json().code).toBe('auth.forbidden');
    // A role the owner does not hold is not gained: an operator token of an auditor is a requester.
    const { token: opToken } = await ownerWithToken('fay', 'auditor', 'operator');
    expect((await call('GET', '/api/v1/me', opToken)).json().role).toBe('requester');
  });

  it('a token cannot mint a token that outlives it', async () => {
    const short = await call('POST', '/api/v1/tokens', t.tokens.admin, {
      name: 'one-minute',
      role: 'admin',
      expires_in: '1m',
    });
    expect(short.statusCode, short.body).toBe(201);
    const long = await call('POST', '/api/v1/tokens', short.json().token, {
      name: 'forever',
      role: 'admin',
      expires_in: '366d',
    });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ code: 'token.outlives_parent' });
    const same = await call('POST', '/api/v1/tokens', short.json().token, {
      name: 'also-one-minute',
      role: 'operator',
      expires_in: '1m',
    });
    expect(same.statusCode, same.body).toBe(201);
    expect(same.json().expires_at <= short.json().expires_at).toBe(true);
  });

  it('a token creates or changes only users below its own role; it may still disable or demote anyone', async () => {
    const tok = t.tokens.admin;
    const admin = await call('POST', '/api/v1/users', tok, { username: 'root2', role: 'admin' });
    expect(admin.statusCode).toBe(403);
    expect(admin.json().code).toBe('user.outranks_token');
    expect(await t.tw.ws.store.users.byUsername('root2')).toBeUndefined();
    const op = await call('POST', '/api/v1/users', tok, { username: 'ops2', role: 'operator' });
    expect(op.statusCode, op.body).toBe(201);
    const opId = op.json().user.id as string;
    const promote = await call('PATCH', `/api/v1/users/${opId}`, tok, { role: 'admin' });
    expect(promote.json().code).toBe('user.outranks_token');
    const reset = await call('PATCH', `/api/v1/users/${t.users.admin.id}`, tok, {
      password: 'taken over by a token 1',
    });
    expect(reset.statusCode).toBe(403);
    expect(
      (await call('PATCH', `/api/v1/users/${opId}`, tok, { role: 'auditor' })).statusCode,
    ).toBe(200);
    const { user: spare } = await ownerWithToken('gus', 'admin');
    const off = await call('PATCH', `/api/v1/users/${spare.id}`, tok, { disabled: true });
    expect(off.statusCode, off.body).toBe(200);
    const { user: other } = await ownerWithToken('hal', 'admin');
    const demote = await call('PATCH', `/api/v1/users/${other.id}`, tok, { role: 'operator' });
    expect(demote.statusCode, demote.body).toBe(200);
    // A person signed in as admin is not limited.
    const s = await t.login('admin-user');
    const byPerson = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
      payload: { username: 'root3', role: 'admin' },
    });
    expect(byPerson.statusCode, byPerson.body).toBe(201);
  });
});
