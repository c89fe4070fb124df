/** The scim connector's HTTP edge against SCIMMY: throttling (429/503, Retry-After), rate limits, 401, OAuth. */
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeScimConnector, type ScimServer, startScimServer } from '../support/scim-server.js';
import { collect, op } from './contract-suite.js';

let server: ScimServer;
beforeAll(async () => {
  server = await startScimServer();
});
afterAll(async () => {
  await server?.close();
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const creates = (n: number, prefix = 'u') =>
  Array.from({ length: n }, (_, i) =>
    op('account.create', `${prefix}${i}`, { attributes: { cn: `${prefix} ${i}` } }),
  );

describe('scim throttling', () => {
  it('honours 429 Retry-After: every request waits, then all operations succeed', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t, { concurrency: 4 });
    t.throttle(3, '1');
    const started = Date.now();
    const results = await collect(c.apply(creates(6)));
    const elapsed = Date.now() - started;
    for (const r of results) expect(r.outcome, r.message).toBe('success');
    expect(t.users.size).toBe(6);
    expect(t.log.filter((r) => r.status === 429)).toHaveLength(3);
    // The requests waited out the Retry-After. That the three pauses overlap into one (about 1 s,
    // not 3 s) is the limiter's rule, proven on a fake clock in rate-limit.test.ts: a wall-clock
    // upper bound here would fail on a busy machine.
    expect(elapsed).toBeGreaterThanOrEqual(950);
    await c.close();
  });

  it('503 without Retry-After backs off exponentially; too long a Retry-After fails the operation', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t, { retry_backoff_ms: 50 });
    t.throttle(2, null, 503);
    const [ok] = await collect(c.apply(creates(1, 'a')));
    expect(ok?.outcome, ok?.message).toBe('success');

    t.throttle(1, '3600');
    const [slow] = await collect(c.apply(creates(1, 'b')));
    expect(slow?.outcome).toBe('failure');
    expect(slow?.message).toBe(
      'GET /Users: 429: Retry-After 3600 s exceeds max_retry_after_ms (120000 ms)',
    );

    t.throttle(10, '0');
    const [gaveUp] = await collect(c.apply(creates(1, 'c')));
    expect(gaveUp?.message).toBe('GET /Users: 429: slow down (gave up after 3 retries)');
    await c.close();
  });

  it('rate_limit paces requests per application', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t, { rate_limit: 20, rate_burst: 1, concurrency: 8 });
    const started = Date.now();
    await collect(c.apply(creates(5))); // 10 requests (lookup + POST each) at 20/s
    const elapsed = Date.now() - started;
    expect(t.log).toHaveLength(10);
    expect(elapsed).toBeGreaterThanOrEqual(400);
    await c.close();
  });
});

describe('scim check()', () => {
  it('reports the service, the credentials, the schema extensions and `or` support', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t);
    const r = await c.check();
    expect(r.ok).toBe(true);
    expect(r.checks.map((x) => [x.name, x.ok])).toEqual([
      ['service provider config', true],
      ['credentials', true],
      ['groups', true],
      ['user schema extensions', true],
      ['`or` filters', true],
    ]);
    expect(r.checks[0]?.detail).toBe(
      `${t.url}: patch yes, filter yes, etag no, bulk yes, sort yes; pagination index`,
    );
    expect(r.checks[1]?.detail).toBe('bearer token ${env:SCIM_TOKEN} accepted; 0 users');
    expect(r.checks[4]?.detail).toBe('accepted: lookup_batch: 50 would speed up creates');
    await c.close();

    const odd = await makeScimConnector(t, {
      employee_id: 'urn:example:params:scim:ext:1.0:User:badge',
    });
    const bad = await odd.check();
    expect(bad.ok).toBe(false);
    expect(bad.checks.find((x) => x.name === 'user schema extensions')?.detail).toBe(
      'the User resource type lacks urn:example:params:scim:ext:1.0:User: map those attributes elsewhere (or employee_id: null)',
    );
    await odd.close();
  });
});

describe('scim credentials', () => {
  it('401: check() and every operation say so, and the batch stops asking', async () => {
    const t = server.tenant();
    const c = await makeScimConnector(t, {}, { '${env:SCIM_TOKEN}': 'wrong' });
    const check = await c.check();
    expect(check.ok).toBe(false);
    expect(check.checks.find((x) => x.name === 'credentials')?.detail).toContain(
      'GET /Users: 401 Unauthorized: the server refused the bearer token ${env:SCIM_TOKEN}',
    );
    t.log.length = 0;
    const results = await collect(c.apply(creates(20)));
    for (const r of results) {
      expect(r.outcome).toBe('failure');
      expect(r.message).toMatch(/401 Unauthorized: the server refused the bearer token/);
    }
    expect(t.log.length).toBeLessThanOrEqual(8); // only what was already in flight
    await c.close();
  });

  it('OAuth client credentials: one token for many requests, renewed after a 401', async () => {
    const t = server.tenant({ oauth: { clientId: 'tenure app', clientSecret: 's3cr:et&' } });
    const settings = {
      auth: {
        type: 'oauth_client_credentials',
        url: t.tokenUrl,
        client_id: 'tenure app',
        client_secret: '${env:SCIM_CLIENT_SECRET}',
        scope: 'scim',
      },
    };
    const c = await makeScimConnector(t, settings, { '${env:SCIM_CLIENT_SECRET}': 's3cr:et&' });
    expect((await c.check()).ok).toBe(true);
    for (const r of await collect(c.apply(creates(5))))
      expect(r.outcome, r.message).toBe('success');
    expect(t.tokensIssued()).toBe(1);

    t.revokeTokens();
    for (const r of await collect(c.apply(creates(3, 'v'))))
      expect(r.outcome, r.message).toBe('success');
    expect(t.tokensIssued()).toBe(2);
    await c.close();

    const bad = await makeScimConnector(
      t,
      { auth: { ...settings.auth, client_auth: 'post' } },
      { '${env:SCIM_CLIENT_SECRET}': 'nope' },
    );
    const [r] = await collect(bad.apply(creates(1, 'w')));
    expect(r?.message).toBe(
      `OAuth token request to ${t.tokenUrl} as client "tenure app": 401 invalid_client`,
    );
    await bad.close();
  });

  it('an unreachable server is a failure per operation, not a crash', async () => {
    const t = server.tenant();
    const port = await closedPort();
    const c = await makeScimConnector(t, {
      base_url: `http://127.0.0.1:${port}/scim/v2`,
      retries: 1,
      timeout_ms: 2_000,
    });
    const results = await collect(c.apply(creates(2)));
    for (const r of results) {
      expect(r.outcome).toBe('failure');
      expect(r.message).toMatch(/^server unreachable: .*ECONNREFUSED.*\(GET \/Users\)$/);
    }
    expect((await c.check()).ok).toBe(false);
    await c.close();
  });
});
