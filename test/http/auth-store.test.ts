/** The sign-in repositories and the API's paged reads, on SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';
import { auditInput, identity } from '../support/fixtures.js';

const AT = '2026-11-26T09:00:00.000Z';

describe.each(testDialects())('auth and browse repositories (%s)', (dialect) => {
  let db: TestStore;
  let store: Store;
  beforeAll(async () => {
    db = await createTestStore(dialect);
    store = db.store;
  });
  afterAll(() => db?.cleanup());

  const newUser = (username: string, over: Record<string, unknown> = {}) =>
    store.users.create(
      {
        username,
        display_name: username,
        email: null,
        role: 'operator',
        password_hash: 'scrypt$x',
        identity_id: null,
        oidc_subject: null,
        ...over,
      },
      AT,
    );

  it('users: unique usernames and subjects, hash kept apart, updates', async () => {
    const u = await newUser('ada');
    expect(u).toMatchObject({ username: 'ada', role: 'operator', disabled: false });
    expect(u).not.toHaveProperty('password_hash');
    await expect(newUser('ada')).rejects.toMatchObject({ code: 'user.exists' });
    await newUser('oidc-person', { oidc_subject: 'https://idp#1', password_hash: null });
    await expect(newUser('other', { oidc_subject: 'https://idp#1' })).rejects.toMatchObject({
      code: 'user.exists',
    });
    expect((await store.users.bySubject('https://idp#1'))?.username).toBe('oidc-person');
    expect(await store.users.passwordHash(u.id)).toBe('scrypt$x');
    const oidc = await store.users.byUsername('oidc-person');
    expect(await store.users.passwordHash(oidc!.id)).toBeNull();
    const changed = await store.users.update(
      u.id,
      { role: 'auditor', disabled: true },
      '2026-11-27T00:00:00Z',
    );
    expect(changed).toMatchObject({
      role: 'auditor',
      disabled: true,
      updated_at: '2026-11-27T00:00:00.000Z',
    });
    await expect(store.users.update('nope', { role: 'admin' }, AT)).rejects.toMatchObject({
      code: 'user.not_found',
    });
    expect((await store.users.list()).map((x) => x.username)).toEqual(['ada', 'oidc-person']);
  });

  it('sessions: read with their user, deleted one by one, per user, or when expired', async () => {
    const u = await newUser('sam');
    const row = (id: string, expires: string) => ({
      id_hash: id,
      user_id: u.id,
      csrf_token: `csrf-${id}`,
      method: 'password',
      ip: '127.0.0.1',
      created_at: AT,
      expires_at: expires,
    });
    await store.sessions.create(row('h1', '2026-11-26T21:00:00Z'));
    await store.sessions.create(row('h2', '2026-11-26T10:00:00Z'));
    await store.sessions.create(row('h3', '2026-11-27T10:00:00Z'));
    const got = await store.sessions.get('h1');
    expect(got?.session).toMatchObject({
      csrf_token: 'csrf-h1',
      expires_at: '2026-11-26T21:00:00.000Z',
    });
    expect(got?.user.username).toBe('sam');
    expect(await store.sessions.deleteExpired('2026-11-26T12:00:00Z')).toBe(1);
    expect(await store.sessions.get('h2')).toBeUndefined();
    await store.sessions.delete('h1');
    expect(await store.sessions.get('h1')).toBeUndefined();
    expect(await store.sessions.deleteForUser(u.id)).toBe(1);
  });

  it('API tokens: found by hash, revoked once, touched', async () => {
    const base = {
      name: 'ci',
      role: 'auditor' as const,
      user_id: null,
      created_by: 'admin:x',
      created_at: AT,
      expires_at: '2026-12-26T09:00:00Z',
      revoked_at: null,
      last_used_at: null,
    };
    await store.apiTokens.create({ ...base, id: 'tok_1', token_hash: 'aaa' });
    await expect(
      store.apiTokens.create({ ...base, id: 'tok_2', token_hash: 'aaa' }),
    ).rejects.toThrow();
    expect((await store.apiTokens.byHash('aaa'))?.id).toBe('tok_1');
    expect(await store.apiTokens.byHash('bbb')).toBeUndefined();
    await store.apiTokens.touch('tok_1', '2026-11-26T09:05:00Z');
    const first = await store.apiTokens.revoke('tok_1', '2026-11-26T10:00:00Z');
    const second = await store.apiTokens.revoke('tok_1', '2026-11-26T11:00:00Z');
    expect(first.revoked_at).toBe('2026-11-26T10:00:00.000Z');
    expect(second.revoked_at).toBe(first.revoked_at);
    expect(second.last_used_at).toBe('2026-11-26T09:05:00.000Z');
    await expect(store.apiTokens.revoke('tok_none', AT)).rejects.toMatchObject({
      code: 'token.not_found',
    });
  });

  it('login failures: counted per key inside the window, cleared, pruned', async () => {
    await store.loginFailures.record(['user:ada', 'ip:10.0.0.1'], '2026-11-26T08:50:00Z');
    await store.loginFailures.record(['user:ada', 'ip:10.0.0.1'], '2026-11-26T08:59:00Z');
    await store.loginFailures.record(['user:bob', 'ip:10.0.0.1'], '2026-11-26T08:10:00Z');
    expect(
      await store.loginFailures.count(
        ['user:ada', 'ip:10.0.0.1', 'user:bob'],
        '2026-11-26T08:45:00Z',
      ),
    ).toEqual({
      'user:ada': 2,
      'ip:10.0.0.1': 2,
      'user:bob': 0,
    });
    await store.loginFailures.clear('user:ada');
    expect(
      (await store.loginFailures.count(['user:ada'], AT.replace('09', '00')))['user:ada'],
    ).toBe(0);
    expect(await store.loginFailures.prune('2026-11-26T08:30:00Z')).toBe(2); // bob's row and its IP row
  });

  it('login failures: reserve is check-and-record in one step, even for parallel callers', async () => {
    const limits = [
      { key: 'user:cy', max: 3 },
      { key: 'ip:10.0.0.9', max: 100 },
    ];
    const since = '2026-11-26T08:00:00Z';
    const results = await Promise.all(
      Array.from({ length: 20 }, () => store.loginFailures.reserve(limits, AT, since)),
    );
    const taken = results.filter((r) => 'ids' in r);
    expect(taken).toHaveLength(3);
    expect(results.filter((r) => 'over' in r && r.over === 'user:cy')).toHaveLength(17);
    expect(await store.loginFailures.count(['user:cy', 'ip:10.0.0.9'], since)).toEqual({
      'user:cy': 3,
      'ip:10.0.0.9': 3,
    });
    // Releasing a slot (the attempt was never judged) makes room for exactly one more.
    const first = taken[0] as { ids: number[] };
    await store.loginFailures.release(first.ids);
    expect('ids' in (await store.loginFailures.reserve(limits, AT, since))).toBe(true);
    expect(await store.loginFailures.reserve(limits, AT, since)).toEqual({ over: 'user:cy' });
  });

  it('browse: keyset identity pages with filters, identity by e-mail, audit filters, counts', async () => {
    await store.identities.save(
      Array.from({ length: 25 }, (_, i) => ({
        identity: identity(
          `E${String(i).padStart(3, '0')}`,
          { status: i % 5 === 0 ? 'terminated' : 'active' },
          {
            email: i === 7 ? 'Jane_Doe@Example.com' : `p${i}@example.com`,
          },
        ),
        events: ['joiner'],
      })),
      AT,
    );
    const page1 = await store.browse.identities({ limit: 10 });
    const page2 = await store.browse.identities({ limit: 10, after: page1.at(-1)!.id });
    expect(page1.map((i) => i.id)).toEqual(Array.from({ length: 10 }, (_, i) => `E00${i}`));
    expect(page2[0]!.id).toBe('E010');
    const terminated = await store.browse.identities({ limit: 100, status: 'terminated' });
    expect(terminated.map((i) => i.id)).toEqual(['E000', 'E005', 'E010', 'E015', 'E020']);
    expect((await store.browse.identityByEmail('jane_doe@example.COM'))?.id).toBe('E007');
    expect(await store.browse.identityByEmail('janexdoe@example.com')).toBeUndefined();

    await store.audit.append([
      auditInput(1, { target: 'identity:E001' }),
      auditInput(2, { target: 'identity:E002', action: 'auth.login' }),
      auditInput(3, { target: 'identity:E001', actor: 'admin:ada' }),
    ]);
    const e1 = await store.browse.audit({ limit: 10, target: 'identity:E001' });
    expect(e1.map((e) => e.seq)).toEqual([1, 3]);
    expect(
      (await store.browse.audit({ limit: 10, afterSeq: 1, target: 'identity:E001' })).map(
        (e) => e.seq,
      ),
    ).toEqual([3]);
    expect(
      (await store.browse.audit({ limit: 10, action: 'auth.login' })).map((e) => e.seq),
    ).toEqual([2]);
    expect((await store.browse.audit({ limit: 10, actor: 'admin:ada' })).map((e) => e.seq)).toEqual(
      [3],
    );

    const counts = await store.browse.counts();
    expect(counts).toEqual({
      runs: {},
      operations: {},
      oldest_queued_at: null,
      open_tasks: 0,
      oldest_open_task_at: null,
    });
    await store.browse.ping();
  });
});
