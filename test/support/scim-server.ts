/**
 * A real SCIM 2.0 server for tests and benches — SCIMMY + scimmy-routers + express, which we did
 * not write, over a small in-memory store — on 127.0.0.1 and a free port. Each test works in its
 * own tenant (`/t/<name>/scim/v2`): SCIMMY's resource declarations are process-global, so one
 * process runs one server. Tenants can version resources (meta.version, If-Match -> 412), issue
 * OAuth client-credentials tokens, throttle (429/503 + Retry-After) and log every request.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import SCIMMYRouters from 'scimmy-routers';
import type { Connector } from '../../src/connectors/contract.js';
import { scimConnector } from '../../src/connectors/scim/scim-connector.js';
import { declareResources, type LoggedRequest, type Rec, type State } from './scim-store.js';

export type { LoggedRequest };

export type TenantOptions = {
  /** The bearer token accepted (default: random). */
  token?: string;
  /** Resources carry meta.version (W/"n"); a stale If-Match gets 412. */
  etag?: boolean;
  oauth?: { clientId: string; clientSecret: string; expiresIn?: number };
};

export type ScimTenant = {
  name: string;
  /** The SCIM service root. */
  url: string;
  tokenUrl: string;
  token: string;
  users: Map<string, Rec>;
  groups: Map<string, Rec>;
  log: LoggedRequest[];
  /** The next `n` SCIM requests get `status` with this Retry-After (null: no header). */
  throttle(n: number, retryAfter: string | null, status?: 429 | 503): void;
  /** Tokens issued by the OAuth endpoint so far. */
  tokensIssued(): number;
  /** Every issued OAuth token stops working (as after a key rotation). */
  revokeTokens(): void;
  /** Logged requests with this method whose path starts with `prefix`. */
  count(method: string, prefix: string): number;
  /** The next `eq` lookup of this name finds nothing (a search index lagging behind writes). */
  hideOnce(name: string): void;
  /** Right after the next `eq` lookup of this name answers, the resource changes (new version). */
  raceOnce(name: string): void;
  /** Stores a user straight into the tenant, bypassing SCIM (ids the server would never make). */
  seedUser(userName: string, id: string): void;
  /** A user by userName (case-insensitive), as stored. */
  user(userName: string): Rec | undefined;
  group(displayName: string): Rec | undefined;
};

export type ScimServer = {
  origin: string;
  tenant(opts?: TenantOptions): ScimTenant;
  close(): Promise<void>;
};

const scimError = (status: number, scimType: string | null, detail: string) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
  status: String(status),
  ...(scimType ? { scimType } : {}),
  detail,
});

type TenantRequest = Request & { scimTenant?: State };

export async function startScimServer(): Promise<ScimServer> {
  declareResources();
  const tenants = new Map<string, State>();
  const app = express();

  app.post(
    '/t/:tenant/oauth/token',
    express.urlencoded({ extended: false }),
    (req: Request, res: Response) => {
      const t = tenants.get(req.params.tenant ?? '');
      const o = t?.opts.oauth;
      const body = (req.body ?? {}) as Record<string, string>;
      let id = body.client_id;
      let secret = body.client_secret;
      const basic = req.header('authorization');
      if (basic?.startsWith('Basic ')) {
        const [u, p] = Buffer.from(basic.slice(6), 'base64').toString().split(':');
        id = decodeURIComponent(u ?? '');
        secret = decodeURIComponent(p ?? '');
      }
      if (!t || !o || body.grant_type !== 'client_credentials')
        return res.status(400).json({ error: 'unsupported_grant_type' });
      if (id !== o.clientId || secret !== o.clientSecret)
        return res.status(401).json({ error: 'invalid_client' });
      const token = randomBytes(16).toString('hex');
      const expiresIn = o.expiresIn ?? 3600;
      t.tokens.set(token, Date.now() + expiresIn * 1000);
      t.issued++;
      return res.json({ access_token: token, token_type: 'Bearer', expires_in: expiresIn });
    },
  );

  const authorize = (req: TenantRequest) => {
    const t = req.scimTenant!;
    const h = req.header('authorization') ?? '';
    if (h === `Bearer ${t.token}`) return 'tester';
    const until = h.startsWith('Bearer ') ? t.tokens.get(h.slice(7)) : undefined;
    if (until !== undefined && until > Date.now()) return 'tester';
    throw new Error('Authorization not detected!');
  };
  const router = new SCIMMYRouters({
    type: 'bearer',
    handler: authorize,
    context: (req: TenantRequest) => req.scimTenant,
  });

  app.use(
    '/t/:tenant/scim/v2',
    (req: TenantRequest, res: Response, next: NextFunction) => {
      const t = tenants.get(req.params.tenant ?? '');
      if (!t) return res.status(404).json(scimError(404, null, 'no such tenant'));
      req.scimTenant = t;
      // Express 5 re-parses req.query on every read, so scimmy-routers 1.3 (written for express 4)
      // loses its in-place cast of startIndex/count and SCIMMY ignores paging: make it a plain value.
      Object.defineProperty(req, 'query', {
        value: { ...req.query },
        writable: true,
        configurable: true,
        enumerable: true,
      });
      const entry: LoggedRequest = {
        method: req.method ?? '',
        path: req.path,
        query: { ...req.query },
        ifMatch: req.header('if-match'),
      };
      t.log.push(entry);
      res.on('finish', () => {
        entry.status = res.statusCode;
      });
      if (t.throttle.left > 0) {
        t.throttle.left--;
        if (t.throttle.retryAfter !== null) res.set('Retry-After', t.throttle.retryAfter);
        return res.status(t.throttle.status).json(scimError(t.throttle.status, null, 'slow down'));
      }
      const m = /^\/(Users|Groups)\/([^/]+)$/.exec(req.path);
      if (t.opts.etag && m && entry.ifMatch && ['PATCH', 'PUT', 'DELETE'].includes(entry.method)) {
        const rec = (m[1] === 'Users' ? t.users : t.groups).get(decodeURIComponent(m[2]!));
        if (rec && entry.ifMatch !== '*' && entry.ifMatch !== rec.meta.version)
          return res.status(412).json(scimError(412, null, `version is ${rec.meta.version}`));
      }
      return next();
    },
    router,
  );

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let n = 0;

  return {
    origin,
    tenant(opts = {}) {
      const name = `t${++n}-${randomBytes(3).toString('hex')}`;
      const t: State = {
        opts,
        token: opts.token ?? randomBytes(12).toString('hex'),
        users: new Map(),
        groups: new Map(),
        userIdx: new Map(),
        groupIdx: new Map(),
        version: 0,
        throttle: { left: 0, retryAfter: null, status: 429 },
        tokens: new Map(),
        issued: 0,
        log: [],
        hide: new Set(),
        race: new Set(),
      };
      tenants.set(name, t);
      const byName = (store: Map<string, Rec>, idx: Map<string, string>, v: string) => {
        const id = idx.get(v.toLowerCase());
        return id ? store.get(id) : undefined;
      };
      return {
        name,
        url: `${origin}/t/${name}/scim/v2`,
        tokenUrl: `${origin}/t/${name}/oauth/token`,
        token: t.token,
        users: t.users,
        groups: t.groups,
        log: t.log,
        throttle(count, retryAfter, status = 429) {
          t.throttle = { left: count, retryAfter, status };
        },
        tokensIssued: () => t.issued,
        revokeTokens: () => t.tokens.clear(),
        count: (method, prefix) =>
          t.log.filter((r) => r.method === method && r.path.startsWith(prefix)).length,
        seedUser(userName, id) {
          const core = 'urn:ietf:params:scim:schemas:core:2.0:User';
          t.users.set(id, { schemas: [core], id, userName, meta: { created: new Date() } } as Rec);
          t.userIdx.set(userName.toLowerCase(), id);
        },
        hideOnce: (v) => t.hide.add(v.toLowerCase()),
        raceOnce: (v) => t.race.add(v.toLowerCase()),
        user: (v) => byName(t.users, t.userIdx, v),
        group: (v) => byName(t.groups, t.groupIdx, v),
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const silent = { info() {}, warn() {}, error() {} };

/** Settings for a scim connector on `t` (bearer token as `${env:SCIM_TOKEN}`), plus overrides. */
export const scimSettings = (t: ScimTenant, over: Record<string, unknown> = {}) => ({
  base_url: t.url,
  auth: { type: 'bearer', token: '${env:SCIM_TOKEN}' },
  attributes: { cn: 'displayName', mail: 'emails[type eq "work"].value' },
  retry_backoff_ms: 10,
  ...over,
});

/** A scim connector on `t`; `${env:…}` references resolve to the tenant's credentials. */
export async function makeScimConnector(
  t: ScimTenant,
  over: Record<string, unknown> = {},
  secrets: Record<string, string> = {},
): Promise<Connector> {
  const config = scimConnector.configGuard.parse(scimSettings(t, over));
  const values: Record<string, string> = { '${env:SCIM_TOKEN}': t.token, ...secrets };
  return scimConnector.create({
    appId: 'saas',
    config,
    secret: (ref) => {
      const v = values[ref];
      if (v === undefined) throw new Error(`no test secret for ${ref}`);
      return v;
    },
    baseDir: process.cwd(),
    log: silent,
  });
}
