/** Errors Fastify and Node raise before any route runs are problem+json with a request id and the security headers. */
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PARAM_LENGTH } from '../../src/http/schemas.js';
import { makeTestApp, type TestApp } from './support.js';

type Answer = { statusCode: number; headers: Record<string, unknown>; body: string };

const expectProblem = (res: Answer, status: number, code: string) => {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.body);
  expect(body).toMatchObject({ status, code, type: `urn:tenure:problem:${code}` });
  expect(body.request_id).toBeTruthy();
  expect(res.headers['x-request-id']).toBe(body.request_id);
  expect(res.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  return body;
};

/** One raw HTTP/1.1 exchange, for what inject cannot send (a head Node refuses to parse). */
const raw = (port: number, request: string) =>
  new Promise<Answer>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => {
      data += String(d);
    });
    socket.on('error', () => {}); // the server destroys the socket after answering
    socket.on('close', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      const [status, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [
          l.slice(0, l.indexOf(':')).toLowerCase(),
          l.slice(l.indexOf(':') + 1).trim(),
        ]),
      );
      if (!status) return reject(new Error('no answer'));
      resolve({ statusCode: Number(status.split(' ')[1]), headers, body });
    });
    socket.write(request);
  });

describe('framework errors', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await makeTestApp('sqlite', { applyDayOne: false });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(() => t?.cleanup());

  const get = (url: string) => t.app.inject({ url, headers: t.bearer('admin') });

  it('a badly percent-encoded URL is 400 request.bad_url', async () => {
    expectProblem(await get('/api/v1/identities/%E0%A4%A'), 400, 'request.bad_url');
  });

  it('the router allows path parameters exactly as long as the OpenAPI schema: longer is 414', async () => {
    const fits = await get(`/api/v1/identities/${'x'.repeat(MAX_PARAM_LENGTH)}`);
    expectProblem(fits, 404, 'identity.not_found');
    const long = await get(`/api/v1/identities/${'x'.repeat(MAX_PARAM_LENGTH + 1)}`);
    expectProblem(long, 414, 'request.param_too_long');
    // Every path parameter the document declares has a maxLength within the router's limit.
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    const lengths: number[] = [];
    for (const item of Object.values(doc.paths) as Record<string, { parameters?: unknown[] }>[])
      for (const op of Object.values(item))
        for (const p of (op.parameters ?? []) as { in: string; schema: Record<string, unknown> }[])
          if (p.in === 'path' && p.schema.type === 'string') {
            expect(p.schema.maxLength, JSON.stringify(p)).toBeLessThanOrEqual(MAX_PARAM_LENGTH);
            lengths.push(p.schema.maxLength as number);
          }
    expect(Math.max(...lengths)).toBe(MAX_PARAM_LENGTH);
  });

  it('404, 415 and 413 carry the same headers', async () => {
    expectProblem(await get('/api/v1/nothing'), 404, 'request.not_found');
    const post = (headers: Record<string, string>, payload: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: { ...t.bearer('admin'), ...headers },
        payload,
      });
    expectProblem(
      await post({ 'content-type': 'text/xml' }, '<user/>'),
      415,
      'request.unsupported_media_type',
    );
    expectProblem(
      await post({ 'content-type': 'application/json' }, `"${'x'.repeat(1_100_000)}"`),
      413,
      'request.body_too_large',
    );
  });

  it('an oversized request head is 431, garbage is 400 — problem+json straight on the socket', async () => {
    const big = await raw(
      port,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expectProblem(big, 431, 'request.headers_too_large');
    expectProblem(await raw(port, 'NOT HTTP AT ALL\r\n\r\n'), 400, 'request.bad');
  });
});
