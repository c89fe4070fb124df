/** A scripted HTTP server on 127.0.0.1 (ephemeral port) for the fake HR systems: records every request, injects failures. */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
};

export type FakeReply = {
  status: number;
  headers?: Record<string, string>;
  /** An object or array is sent as JSON; a string as it is. */
  body?: unknown;
};

export type FakeServer = {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: FakeRequest[];
  /** The next requests matching `match` get these replies, in order, before the normal answer. */
  failNext(match: (r: FakeRequest) => boolean, ...replies: FakeReply[]): void;
  /** Requests whose path starts with `prefix`. */
  count(prefix: string, method?: string): number;
  stop(): Promise<void>;
};

export async function startFakeServer(
  handle: (r: FakeRequest) => FakeReply | Promise<FakeReply>,
): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const scripted: { match: (r: FakeRequest) => boolean; reply: FakeReply }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const r: FakeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(r);
      let reply: FakeReply;
      const i = scripted.findIndex((s) => s.match(r));
      try {
        reply = i >= 0 ? scripted.splice(i, 1)[0]!.reply : await handle(r);
      } catch (e) {
        reply = { status: 500, body: { error: String(e) } };
      }
      const text =
        reply.body === undefined
          ? ''
          : typeof reply.body === 'string'
            ? reply.body
            : JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        'content-type':
          typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
        ...reply.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(match, ...replies) {
      for (const reply of replies) scripted.push({ match, reply });
    },
    count: (prefix, method) =>
      requests.filter((r) => r.path.startsWith(prefix) && (!method || r.method === method)).length,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The Basic credentials of a request, or undefined. */
export function basicCredentials(r: FakeRequest): { user: string; password: string } | undefined {
  const m = /^Basic (.+)$/.exec(r.headers.authorization ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** A committed fixture, parsed: test/fixtures/<vendor>/<name>. */
export const fixture = <T = Record<string, unknown>>(vendor: string, name: string): T =>
  JSON.parse(readFileSync(fixturePath(vendor, name), 'utf8')) as T;

export const fixturePath = (vendor: string, name: string): URL =>
  new URL(`../fixtures/${vendor}/${name}`, import.meta.url);
