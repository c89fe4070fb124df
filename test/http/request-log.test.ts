/** The request log line: one per request, query values redacted except the API's own filters. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './support.js';

describe('request logs', () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    t = await makeTestApp('sqlite', {
      applyDayOne: false,
      app: { log: pino({ level: 'info' }, sink) },
    });
  });
  afterAll(() => t?.cleanup());

  it('never logs a query value that could be a secret', async () => {
    lines.length = 0;
    await t.app.inject({
      url: '/api/v1/identities?limit=5&access_token=tnr_leaked_secret',
      headers: t.bearer('admin'),
    });
    await t.app.inject({ url: '/api/v1/auth/oidc/callback?code=one-time-code&state=s3cr3t' });
    await t.app.inject({ url: '/api/v1/nowhere?password=hunter2' });
    const all = lines.join('\n');
    for (const secret of ['tnr_leaked_secret', 'one-time-code', 's3cr3t', 'hunter2'])
      expect(all).not.toContain(secret);
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(requests.map((r) => r.url)).toEqual([
      '/api/v1/identities?limit=5&access_token=[redacted]',
      '/api/v1/auth/oidc/callback?code=[redacted]&state=[redacted]',
      '/api/v1/nowhere?password=[redacted]',
    ]);
  });
});
