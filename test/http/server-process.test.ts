/**
 * `tenure serve` as a real process: HTTPS with a self-signed certificate (Secure cookies, HSTS),
 * graceful shutdown (SIGTERM while a request is in flight completes it, then exit 0), the CLI's
 * users/tokens commands, README command 1 (`serve --demo`), and a taken port (a clear error, and
 * nothing imported or run).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningKey } from '../../src/audit/signing-key.js';
import { createStore } from '../../src/store/create-store.js';
import { BIN, cliFor, initWorkspace, REPO_DIR, tempDir, tenure } from '../cli/run-cli.js';
import { createTestDatabase, type TestDatabase, testDialects } from '../support/databases.js';

type Served = {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
};

/** Starts `tenure … serve …` and waits for the "listening on" line (port 0: the OS picks). */
function serve(args: string[], env: Record<string, string>): Promise<Served> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TENURE_')) clean[k] = v;
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...clean, TENURE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start:\n${err}\n${out}`));
    }, 90_000);
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /listening on (https?:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stdout: () => out, stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${code} before listening:\n${err}\n${out}`));
    });
  });
}

type Res = { status: number; headers: IncomingMessage['headers']; body: string };

/** One request; `hold` lets the caller send the body in pieces (the in-flight request). */
function call(
  url: string,
  opts: { method?: string; body?: string; headers?: Record<string, string>; ca?: Buffer } = {},
  hold?: (send: (chunk: string) => void, finish: () => void, req: ClientRequest) => void,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const make = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = make(
      u,
      {
        method: opts.method ?? 'GET',
        headers: {
          ...(opts.body !== undefined && {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(opts.body)),
          }),
          ...opts.headers,
        },
        ...(opts.ca && { ca: opts.ca }),
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (hold)
      hold(
        (c) => req.write(c),
        () => req.end(),
        req,
      );
    else req.end(opts.body);
  });
}

describe.each(testDialects())('tenure serve, real process (%s)', (dialect) => {
  const tmp = tempDir('serve');
  const dir = join(tmp.dir, 'ws');
  let db: TestDatabase;
  let ca: Buffer;
  let env: Record<string, string>;
  let password: string;

  beforeAll(async () => {
    cpSync(join(REPO_DIR, 'examples', 'demo'), dir, { recursive: true });
    mkdirSync(join(dir, '.tenure'), { mode: 0o700 });
    createSigningKey(join(dir, '.tenure'));
    db = await createTestDatabase(dialect);
    env = { TENURE_DATABASE_URL: db.url };
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(tmp.dir, 'key.pem'),
        '-out',
        join(tmp.dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    ca = (await import('node:fs')).readFileSync(join(tmp.dir, 'cert.pem'));
    const cli = cliFor(dir, env);
    const made = await cli(['users', 'create', 'boss', '--admin', '--json']);
    expect(made.code, made.why).toBe(0);
    password = made.json().password;
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
  afterAll(async () => {
    await db?.drop();
    tmp.cleanup();
  });

  it('users and tokens from the CLI: token shown once, listed without it, revoked', async () => {
    const cli = cliFor(dir, env);
    const token = await cli([
      'tokens',
      'create',
      '--name',
      'ci',
      '--role',
      'auditor',
      '--expires',
      '1d',
      '--json',
    ]);
    expect(token.code, token.why).toBe(0);
    const { id, token: secret } = token.json();
    expect(secret).toMatch(/^tnr_/);
    const [list, users] = await Promise.all([
      cli(['tokens', 'list', '--json']),
      cli(['users', 'list', '--json']),
    ]);
    expect(list.stdout).not.toContain(secret.slice(4));
    expect(list.json()).toEqual([expect.objectContaining({ id, state: 'active' })]);
    expect(users.json()).toEqual([expect.objectContaining({ username: 'boss', role: 'admin' })]);
    const revoked = await cli(['tokens', 'revoke', id, '--json']);
    expect(revoked.json().revoked_at).toBeTruthy();
    const bad = await cli(['users', 'create', 'boss', '--role', 'auditor']);
    expect(bad.code).toBe(7); // conflict: the user exists
    expect(bad.stderr).toContain('error [user.exists]');
  });

  it('serves HTTPS: Secure cookies, HSTS; SIGTERM lets an in-flight request finish, then exits 0', async () => {
    const s = await serve(
      [
        '-w',
        dir,
        'serve',
        '--port',
        '0',
        '--tls-cert',
        join(tmp.dir, 'cert.pem'),
        '--tls-key',
        join(tmp.dir, 'key.pem'),
      ],
      env,
    );
    try {
      expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const health = await call(`${s.url}/healthz`, { ca });
      expect(health.status).toBe(200);
      expect(health.headers['strict-transport-security']).toMatch(/max-age=/);
      const body = JSON.stringify({ username: 'boss', password });
      const login = await call(`${s.url}/api/v1/auth/login`, { method: 'POST', body, ca });
      expect(login.status, login.body).toBe(200);
      const session = (login.headers['set-cookie'] ?? []).find((c) =>
        c.startsWith('tenure_session='),
      )!;
      expect(session).toMatch(/; Secure/);
      expect(session).toMatch(/; HttpOnly/);
      expect(session).toMatch(/; SameSite=Lax/);

      // In flight: headers and half the body are sent, then the server is told to stop. The
      // server's `100 Continue` says it has the request (not a fixed delay: load can stretch that).
      let finish!: () => void;
      let received!: Promise<unknown>;
      const slow = call(
        `${s.url}/api/v1/auth/login`,
        { method: 'POST', body, ca, headers: { expect: '100-continue' } },
        (send, end, req) => {
          received = once(req, 'continue');
          send(body.slice(0, 10));
          finish = () => {
            send(body.slice(10));
            end();
          };
        },
      );
      await received;
      s.child.kill('SIGTERM');
      // The listener closes once the signal is handled; on a loaded machine that is not within a
      // fixed delay, so poll (a 503 "shutting down" answer is the step before) until it refuses.
      const refusal = async (): Promise<unknown> => {
        for (let i = 0; i < 200; i++) {
          try {
            await call(`${s.url}/healthz`, { ca });
          } catch (e) {
            return e;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('/healthz still answered 20 s after SIGTERM');
      };
      expect(String(await refusal())).toMatch(/ECONNREFUSED|ECONNRESET|socket hang up/);
      finish();
      const answered = await slow;
      expect(answered.status, answered.body).toBe(200);
      expect(await s.exited).toBe(0);
      const logs = s
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(logs.some((l) => l.msg === 'shutdown complete')).toBe(true);
      const requests = logs.filter((l) => l.msg === 'request');
      expect(requests.length).toBeGreaterThanOrEqual(3);
      expect(requests.every((l) => typeof l.reqId === 'string' && l.status > 0)).toBe(true);
      expect(s.stdout()).not.toContain(password);
    } finally {
      s.child.kill('SIGKILL');
    }
  });
});

describe('README command 1: tenure serve --demo', () => {
  const tmp = tempDir('serve-demo');
  afterAll(() => tmp.cleanup());

  it('creates the demo, prints the demo admin, serves it, stops on SIGTERM', async () => {
    const s = await serve(['serve', '--demo', join(tmp.dir, 'demo'), '--port', '0'], {
      TENURE_NOW: '2026-11-26T10:00:00.000Z',
      TENURE_LOG_LEVEL: 'warn',
    });
    try {
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const pw = /username: admin\s+password: (\S+)/.exec(s.stderr())?.[1];
      expect(pw, s.stderr()).toBeTruthy();
      expect(s.stdout()).toContain('Tenure demo');
      const login = await call(`${s.url}/api/v1/auth/login`, {
        method: 'POST',
        body: JSON.stringify({ username: 'admin', password: pw }),
      });
      expect(login.status, login.body).toBe(200);
      const cookie = (login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
      const terminated = await call(`${s.url}/api/v1/identities?status=terminated&limit=500`, {
        headers: { cookie },
      });
      expect(JSON.parse(terminated.body).items.length).toBeGreaterThan(0);
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    } finally {
      s.child.kill('SIGKILL');
      rmSync(join(tmp.dir, 'demo'), { recursive: true, force: true });
    }
  });
});

describe('tenure serve on a port already taken', () => {
  const tmp = tempDir('serve-taken');
  let squatter: Server;
  let port: number;
  beforeAll(async () => {
    squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    port = (squatter.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => squatter.close(r));
    tmp.cleanup();
  });

  const refused = (r: Awaited<ReturnType<typeof tenure>>) => {
    expect(r.code, r.why).toBe(2);
    expect(r.stderr).toBe(
      `error [serve.port_in_use]: cannot listen on 127.0.0.1:${port}: the address is already in use (another tenure serve?); stop what holds it, or choose another port with --port or server.port in tenure.yaml\n`,
    );
    expect(r.stdout).not.toMatch(/schedule fired|job started/);
  };

  it('exits 2 naming the address, before the scheduler imports or runs anything', async () => {
    const dir = initWorkspace(join(tmp.dir, 'ws'));
    refused(await tenure(['-w', dir, 'serve', '--port', String(port)]));
    const store = await createStore(`sqlite:${join(dir, '.tenure', 'tenure.db')}`);
    try {
      expect(await store.identities.all()).toEqual([]);
      expect(await store.runs.list()).toEqual([]);
      expect(await store.jobs.list()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('serve --demo: exits 2 before building the demo', async () => {
    const demo = join(tmp.dir, 'demo');
    refused(await tenure(['serve', '--demo', demo, '--port', String(port)]));
    expect(existsSync(demo)).toBe(false);
  });

  it('a --host that is not an address of this machine: a coded exit 2, no stack trace', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a local interface, so EADDRNOTAVAIL.
    const demo = join(tmp.dir, 'demo-elsewhere');
    const r = await tenure(['serve', '--demo', demo, '--host', '192.0.2.1', '--port', '8123']);
    expect(r.code, r.why).toBe(2);
    expect(r.stderr).toMatch(
      /^error \[serve\.address_unavailable\]: cannot listen on 192\.0\.2\.1:8123: /,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(demo)).toBe(false);
  });
});
