/** HTTP test harness: an app over a test workspace (demo day one applied), a user and a token per role. */
import { rmSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { ROLES, type Role } from '../../src/domain/roles.js';
import { fullRun } from '../../src/engine/runs/runs.js';
import { type BuiltApp, buildApp } from '../../src/http/app.js';
import { createApiToken } from '../../src/http/auth/tokens.js';
import { createUser } from '../../src/http/auth/users.js';
import type { BuildAppOptions } from '../../src/http/types.js';
import type { UserRow } from '../../src/store/auth-types.js';
import type { TestDialect } from '../support/databases.js';
import { makeWorkspace, type TestWorkspace } from '../support/workspace.js';

/** One known password for every test user: hashing is slow on purpose, so it happens once per user. */
export const PASSWORD = 'correct horse battery staple';
/** The demo identity the requester and reviewer users are linked to. */
export const OWN_IDENTITY = 'E1001';

export type TestApp = {
  app: BuiltApp;
  tw: TestWorkspace;
  users: Record<Role, UserRow>;
  tokens: Record<Role, string>;
  /** Authorization header for a role's token. */
  bearer(role: Role): { authorization: string };
  /** Signs in with the password; returns cookie header value and CSRF token. */
  login(username: string, password?: string): Promise<Session>;
  auditActions(
    since?: number,
  ): Promise<{ seq: number; action: string; actor: string; details: string }[]>;
  cleanup(): Promise<void>;
};

export type Session = { cookie: string; csrf: string; response: LightMyRequestResponse };

export const cookieHeader = (res: LightMyRequestResponse) =>
  res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');

export async function makeTestApp(
  dialect: TestDialect,
  opts: {
    applyDayOne?: boolean;
    app?: Omit<BuildAppOptions, 'ws'>;
    now?: string;
    yaml?: string;
  } = {},
): Promise<TestApp> {
  const tw = await makeWorkspace(dialect, {
    ...(opts.now && { now: opts.now }),
    ...(opts.yaml && { yaml: opts.yaml }),
  });
  if (opts.applyDayOne !== false) await fullRun(tw.ws, { actor: 'admin:setup', trigger: 'test' });
  const app = await buildApp({ ws: tw.ws, log: pino({ level: 'silent' }), ...opts.app });
  await app.ready();
  const users = {} as Record<Role, UserRow>;
  const tokens = {} as Record<Role, string>;
  const now = tw.ws.clock();
  for (const role of ROLES) {
    const linked = role === 'requester' || role === 'reviewer' ? OWN_IDENTITY : null;
    users[role] = (
      await createUser(
        tw.ws.store,
        { username: `${role}-user`, role, password: PASSWORD, identity_id: linked },
        'admin:setup',
        now,
      )
    ).user;
    tokens[role] = (
      await createApiToken(tw.ws.store, {
        name: `${role}-token`,
        role,
        expiresInMs: 86_400_000,
        actor: 'admin:setup',
        userId: null,
        now,
      })
    ).token;
  }
  return {
    app,
    tw,
    users,
    tokens,
    bearer: (role) => ({ authorization: `Bearer ${tokens[role]}` }),
    async login(username, password = PASSWORD) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password },
      });
      if (response.statusCode !== 200)
        throw new Error(`login ${username}: ${response.statusCode} ${response.body}`);
      return { cookie: cookieHeader(response), csrf: response.json().csrf_token, response };
    },
    async auditActions(since = 0) {
      const out = [];
      for await (const e of tw.ws.store.audit.iterate({ fromSeq: since + 1 }))
        out.push({ seq: e.seq, action: e.action, actor: e.actor, details: e.details });
      return out;
    },
    async cleanup() {
      await app.close();
      // pg's Pool.end() resolves before its sockets have closed; dropping the database at once
      // (DROP … WITH (FORCE)) can then kill a closing connection with no listener left: wait.
      await tw.ws.close();
      await new Promise((r) => setTimeout(r, 200));
      await tw.db.cleanup();
      rmSync(tw.dir, { recursive: true, force: true });
    },
  };
}
