/**
 * Hostile and sloppy requests: each is a 4xx problem+json with a stable code, changes nothing,
 * and is audited when it is security-relevant (a path in a file name, a dead token).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { createApiToken, revokeApiToken } from '../../src/http/auth/tokens.js';
import { testDialects } from '../support/databases.js';
import { makeTestApp, type TestApp } from './support.js';

describe.each(testDialects())('bad input (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { applyDayOne: false });
  });
  afterAll(() => t?.cleanup());

  /** What a refused request must not change. */
  const state = async () => ({
    audit: (await t.tw.ws.store.audit.head()).seq,
    users: (await t.tw.ws.store.users.list()).length,
    tokens: (await t.tw.ws.store.apiTokens.list()).length,
  });
  const expectProblem = (
    res: { statusCode: number; headers: Record<string, unknown>; json(): Record<string, unknown> },
    status: number,
    code: string,
  ) => {
    expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({ status, code, type: `urn:tenure:problem:${code}` });
    expect(body.request_id).toBe(res.headers['x-request-id']);
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack frames
    return body;
  };
  const postUser = (payload: string | object, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { 'content-type': 'application/json', ...t.bearer('admin'), ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  it('refuses an oversized body (413), malformed JSON, unknown fields, wrong types — changing nothing', async () => {
    const before = await state();
    expectProblem(
      await postUser({ username: 'big', role: 'requester', display_name: 'x'.repeat(1_100_000) }),
      413,
      'request.body_too_large',
    );
    expectProblem(await postUser('{"username": "half'), 400, 'request.malformed_json');
    const unknown = expectProblem(
      await postUser({ username: 'mallory', role: 'requester', is_superuser: true }),
      400,
      'request.invalid',
    );
    expect(unknown.errors).toEqual([{ path: 'body.is_superuser', message: 'unknown field' }]);
    const types = expectProblem(
      await postUser({ username: 42, role: 'root' }),
      400,
      'request.invalid',
    );
    expect((types.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      'body.role',
      'body.username',
    ]);
    const query = expectProblem(
      await t.app.inject({ url: '/api/v1/identities?limit=lots', headers: t.bearer('admin') }),
      400,
      'request.invalid',
    );
    expect(query.errors).toEqual([expect.objectContaining({ path: 'querystring.limit' })]);
    expectProblem(
      await t.app.inject({ url: '/api/v1/identities?order=desc', headers: t.bearer('admin') }),
      400,
      'request.invalid',
    );
    expectProblem(
      await postUser('username=a', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'request.unsupported_media_type',
    );
    expectProblem(
      await t.app.inject({ url: '/api/v1/identities?cursor=%7B%7D', headers: t.bearer('admin') }),
      400,
      'request.bad_cursor',
    );
    expect(await state()).toEqual(before);
  });

  it('refuses a path-traversal file name in the audit export, and audits the attempt', async () => {
    for (const filename of [
      '../../etc/passwd',
      'a/b.jsonl',
      '..\\..\\x.csv',
      '.hidden',
      'ok..jsonl',
    ]) {
      const before = await state();
      const res = await t.app.inject({
        url: `/api/v1/audit/export?format=jsonl&filename=${encodeURIComponent(filename)}`,
        headers: t.bearer('auditor'),
      });
      expectProblem(res, 400, 'request.bad_filename');
      const after = await state();
      expect(after.audit).toBe(before.audit + 1);
      const [event] = await t.auditActions(before.audit);
      expect(event).toMatchObject({ action: 'api.rejected', actor: 'token:auditor-token' });
      expect(JSON.parse(event!.details)).toMatchObject({ reason: 'bad_filename', filename });
    }
    const ok = await t.app.inject({
      url: '/api/v1/audit/export?format=csv&filename=q4-2026.csv',
      headers: t.bearer('auditor'),
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-disposition']).toBe('attachment; filename="q4-2026.csv"');
  });

  it('an expired or revoked token is a 401, changes nothing, and the refusal is audited', async () => {
    const store = t.tw.ws.store;
    const now = t.tw.ws.clock();
    const short = await createApiToken(store, {
      name: 'short-lived',
      role: 'admin',
      expiresInMs: 60_000,
      actor: 'admin:test',
      userId: null,
      now: new Date(now.getTime() - 120_000),
    });
    const gone = await createApiToken(store, {
      name: 'gone',
      role: 'admin',
      expiresInMs: 86_400_000,
      actor: 'admin:test',
      userId: null,
      now,
    });
    await revokeApiToken(store, gone.row.id, 'admin:test', now);
    for (const [token, code] of [
      [short.token, 'auth.token_expired'],
      [gone.token, 'auth.token_revoked'],
    ] as const) {
      const before = await state();
      const res = await postUser(
        { username: 'via-dead-token', role: 'admin' },
        { authorization: `Bearer ${token}` },
      );
      expectProblem(res, 401, code);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      const after = await state();
      expect({ ...after, audit: before.audit }).toEqual(before);
      const [event] = await t.auditActions(before.audit);
      expect(event).toMatchObject({ action: 'auth.denied' });
      expect(JSON.parse(event!.details).reason).toBe(code.replace('auth.', ''));
    }
    expect(await store.users.byUsername('via-dead-token')).toBeUndefined();
  });

  it('an unexpected error is a bare 500 with a request id: no message, no stack', async () => {
    const app = await buildApp({ ws: t.tw.ws, log: pino({ level: 'silent' }) });
    app.get('/boom', { config: { rbac: 'public' } }, async () => {
      throw new Error('connection to db.internal:5432 failed for user tenure_admin');
    });
    try {
      const res = await app.inject({ url: '/boom', headers: { 'x-request-id': 'trace-42' } });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        code: 'internal',
        instance: 'urn:tenure:request:trace-42',
        request_id: 'trace-42',
      });
      const evil = await app.inject({
        url: '/boom',
        headers: { 'x-request-id': 'a\u0000b'.repeat(50) },
      });
      expect(evil.json().request_id).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await app.close();
    }
  });

  it('refuses a JSON body that gives a key twice (400 naming it) and keeps refusing prototype keys', async () => {
    const before = await state();
    const dup = expectProblem(
      await postUser('{"username":"mallory","role":"requester","role":"admin"}'),
      400,
      'request.duplicate_json_key',
    );
    expect(dup.detail).toMatch(/"role"/);
    expect(dup.detail).toMatch(/body\.role/);
    expectProblem(
      await postUser('{"username":"m","role":"requester","role":"admin"}', {
        'content-type': 'application/json; charset=utf-8',
      }),
      400,
      'request.duplicate_json_key',
    );
    const nested = expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: { 'content-type': 'application/json', ...t.bearer('admin') },
        payload: '{"name":"x","role":"auditor","r\\u006fle":"admin"}',
      }),
      400,
      'request.duplicate_json_key',
    );
    expect(nested.detail).toMatch(/"role"/);
    expectProblem(
      await postUser('{"username":"mallory","role":"requester","__proto__":{"role":"admin"}}'),
      400,
      'request.malformed_json',
    );
    expect(await state()).toEqual(before);
    // The same key in two different objects is fine.
    const ok = await postUser({ username: 'fine-user', role: 'requester', display_name: 'role' });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('refuses a common or guessable password wherever one is set, with the reason', async () => {
    const before = await state();
    const weak = expectProblem(
      await postUser({ username: 'weakling', role: 'requester', password: 'Password1234!' }),
      400,
      'user.weak_password',
    );
    expect(weak.detail).toMatch(/too easy to guess.*similar to a commonly used password/);
    const own = expectProblem(
      await postUser({
        username: 'ada.lovelace',
        role: 'requester',
        password: 'ada.lovelace.1815',
      }),
      400,
      'user.weak_password',
    );
    expect(own.detail).toMatch(/personal data/);
    const change = expectProblem(
      await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${t.users.operator.id}`,
        headers: t.bearer('admin'),
        payload: { password: 'qwertyuiop12' },
      }),
      400,
      'user.weak_password',
    );
    expect(change.detail).toMatch(/keyboard|common/);
    expect(await state()).toEqual(before);
  });

  it('unknown routes are 404 problem+json', async () => {
    expectProblem(await t.app.inject({ url: '/api/v1/nothing-here' }), 404, 'request.not_found');
  });
});
