/** Sign-in under a burst: each attempt counts before its password is checked; hashing is bounded. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { makeTestApp, PASSWORD, type TestApp } from './support.js';
import { waitFor } from './webhook-support.js';

const THROTTLE = { window_minutes: 15, max_failures_per_account: 3, max_failures_per_ip: 10_000 };

describe.each(testDialects())('sign-in bursts (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect, { applyDayOne: false, app: { auth: { throttle: THROTTLE } } });
  });
  afterAll(() => t?.cleanup());

  const login = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  const reasons = async (since: number) =>
    (await t.auditActions(since))
      .filter((e) => e.action === 'auth.login_failed')
      .map((e) => JSON.parse(e.details).reason as string);
  const head = async () => (await t.tw.ws.store.audit.head()).seq;
  /** Occupies every running and waiting slot of the hash gate until `free()`. */
  const fillGate = (running: number, waiting: number) => {
    let free!: () => void;
    const held = new Promise<void>((r) => {
      free = r;
    });
    const tasks = Array.from({ length: running + waiting }, () =>
      t.app.services.hashGate.run(() => held),
    );
    return async () => {
      free();
      await Promise.all(tasks);
    };
  };

  it('150 parallel wrong guesses for one account: only the limit is evaluated, the rest are throttled', async () => {
    const before = await head();
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) => login('operator-user', `wrong guess number ${i}`)),
    );
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(THROTTLE.max_failures_per_account);
    expect(statuses.filter((s) => s === 429)).toHaveLength(150 - THROTTLE.max_failures_per_account);
    const why = await reasons(before);
    expect(why.filter((r) => r === 'bad_password')).toHaveLength(THROTTLE.max_failures_per_account);
    expect(why.filter((r) => r === 'throttled')).toHaveLength(147);
    // Locked: the right password is refused too, without being checked.
    expect((await login('operator-user', PASSWORD)).statusCode).toBe(429);
  });

  it('a right guess while wrong guesses are still being checked is refused as throttled', async () => {
    const { running, waiting } = { running: 2, waiting: 8 };
    const free = fillGate(running, waiting - THROTTLE.max_failures_per_account);
    // Three wrong guesses take the account's slots and wait for a hash slot...
    const wrong = Array.from({ length: THROTTLE.max_failures_per_account }, (_, i) =>
      login('auditor-user', `not the password ${i}`),
    );
    // (polled, not a fixed delay: on a busy machine they may take a while to get there)
    await waitFor('the wrong guesses to wait for a hash slot', async () =>
      t.app.services.hashGate.load().waiting === waiting ? true : undefined,
    );
    // ...so the right one, arriving now, finds the account full before any of them has failed.
    const right = await login('auditor-user', PASSWORD);
    expect(right.statusCode, right.body).toBe(429);
    expect(right.json().code).toBe('auth.throttled');
    await free();
    expect((await Promise.all(wrong)).map((r) => r.statusCode)).toEqual([401, 401, 401]);
  });

  it('a right guess inside a parallel burst of 30 wrong ones does not sign in', async () => {
    const burst = Array.from({ length: 30 }, (_, i) => login('reviewer-user', `bad guess ${i} !!`));
    const right = login('reviewer-user', PASSWORD);
    const all = await Promise.all([...burst, right]);
    expect(all.at(-1)!.statusCode).toBe(429);
    expect(all.filter((r) => r.statusCode === 200)).toHaveLength(0);
  });

  it('beyond the hash queue a sign-in is 503 auth.busy with Retry-After, and costs no attempt', async () => {
    const free = fillGate(2, 8);
    const busy = await login('admin-user', 'whatever the password');
    await free();
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.json()).toMatchObject({ code: 'auth.busy', retry_after: 1 });
    const since = new Date(Date.parse(t.tw.ws.clock().toISOString()) - 3_600_000).toISOString();
    expect(await t.tw.ws.store.loginFailures.count(['user:admin-user'], since)).toEqual({
      'user:admin-user': 0,
    });
    expect((await login('admin-user', PASSWORD)).statusCode).toBe(200);
  });

  it('a username is one account in any case: failures as ADMIN-USER lock admin-user, Admin-User signs in', async () => {
    const ok = await login('Admin-User', PASSWORD);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().user.username).toBe('admin-user');
    for (let i = 0; i < THROTTLE.max_failures_per_account; i++)
      expect((await login('ADMIN-USER', `wrong ${i} password!`)).statusCode).toBe(401);
    expect((await login('admin-user', PASSWORD)).statusCode).toBe(429);
  });
});
