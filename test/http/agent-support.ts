/**
 * Test harness for the agent protocol: a control plane (inject()) over a workspace with
 * agent-routed applications, enrollment tokens, and agents that sign requests exactly as the real
 * agent does (src/protocol/agent-auth.ts), with knobs to forge, replay and tamper.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { createEnrollmentToken } from '../../src/engine/agents/enroll.js';
import { type BuiltApp, buildApp } from '../../src/http/app.js';
import { generateAgentKeyPair, signAgentRequest } from '../../src/protocol/agent-auth.js';
import { AGENT_PATHS } from '../../src/protocol/agent-v1.js';
import type { TestDialect } from '../support/databases.js';
import { org, person } from '../support/small-org.js';
import { makeWorkspace, type TestWorkspace } from '../support/workspace.js';

/** `dir` runs at site HQ, `branch` at site BRANCH (people in Osaka), `legacy` is manual (direct). */
export const AGENT_YAML = (agents = '{ poll_wait_seconds: 2 }') => `
organisation: { name: Agent Co, time_zone: UTC }
sources: [{ id: hr, type: file, path: hr/people.csv }]
applications:
  - id: dir
    connector: csv-export
    route: agent:HQ
    settings: { path: out/dir.csv }
    entitlements: [{ id: staff }, { id: eng }]
  - id: branch
    connector: csv-export
    route: agent:BRANCH
    settings: { path: out/branch.csv }
    entitlements: [{ id: staff }]
  - id: legacy
    connector: manual
    entitlements: [{ id: user }]
policies:
  - id: all
    accounts:
      - { application: dir, attributes: { cn: "{display_name}" }, entitlements: [staff] }
      - { application: legacy, entitlements: [user] }
  - id: eng
    when: { equals: { department: Engineering } }
    accounts: [{ application: dir, entitlements: [eng] }]
  - id: osaka
    when: { equals: { location: Osaka } }
    accounts: [{ application: branch, entitlements: [staff] }]
safety: { max_deprovision_share: 1, min_deprovision_count: 1000 }
agents: ${agents}
`;

/** Four people: P001 (Sales, Osaka), P002 (Engineering), P003 (Sales), P004 (Engineering). */
export const PEOPLE = () => org(4).map((p, i) => (i === 0 ? { ...p, location: 'Osaka' } : p));
export { person };

export type SignKnobs = {
  /** Sign for another method/path/body than the one sent. */
  signMethod?: string;
  signPath?: string;
  signBody?: string;
  jti?: string;
  now?: Date;
  lifetimeSeconds?: number;
  /** Sign with another key (forgery). */
  key?: KeyObject;
  /** Claim to be another agent. */
  agentId?: string;
  /** Raw Authorization header instead. */
  authorization?: string;
};

export type TestAgent = {
  id: string;
  site: string;
  key: KeyObject;
  post(path: string, body: unknown, knobs?: SignKnobs): Promise<LightMyRequestResponse>;
};

export type AgentHarness = {
  tw: TestWorkspace;
  app: BuiltApp;
  token(site: string, expiresInMs?: number): Promise<string>;
  enroll(site: string, hostname?: string): Promise<TestAgent>;
  /** Every audit event's action/actor/target/details (parsed), in order. */
  audit(): Promise<
    { action: string; actor: string; target: string; details: Record<string, unknown> }[]
  >;
  cleanup(): Promise<void>;
};

export async function makeAgentHarness(
  dialect: TestDialect,
  opts: { yaml?: string; people?: ReturnType<typeof PEOPLE> } = {},
): Promise<AgentHarness> {
  const tw = await makeWorkspace(dialect, { yaml: opts.yaml ?? AGENT_YAML(), demoFiles: false });
  tw.writeHr('people.csv', opts.people ?? PEOPLE());
  const app = await buildApp({ ws: tw.ws, log: pino({ level: 'silent' }) });
  await app.ready();
  const ws = tw.ws;

  const makeAgent = (id: string, site: string, key: KeyObject): TestAgent => ({
    id,
    site,
    key,
    async post(path, body, k = {}) {
      const payload = JSON.stringify(body);
      const authorization =
        k.authorization ??
        (await signAgentRequest({
          agentId: k.agentId ?? id,
          privateKey: k.key ?? key,
          method: k.signMethod ?? 'POST',
          path: k.signPath ?? path,
          body: k.signBody ?? payload,
          now: k.now ?? ws.clock(),
          ...(k.lifetimeSeconds !== undefined && { lifetimeSeconds: k.lifetimeSeconds }),
          ...(k.jti !== undefined && { jti: k.jti }),
        }));
      return app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/json', authorization },
        payload,
      });
    },
  });

  const h: AgentHarness = {
    tw,
    app,
    async token(site, expiresInMs = 3_600_000) {
      return (await createEnrollmentToken(ws, { site, expiresInMs, actor: 'admin:test' })).token;
    },
    async enroll(site, hostname = `${site.toLowerCase()}-host`) {
      const keys = generateAgentKeyPair();
      const res = await app.inject({
        method: 'POST',
        url: AGENT_PATHS.enroll,
        headers: { 'content-type': 'application/json' },
        payload: {
          token: await h.token(site),
          public_key: keys.publicKeyPem,
          hostname,
          version: '1.0.0',
          capabilities: ['ldap'],
        },
      });
      if (res.statusCode !== 200) throw new Error(`enroll failed: ${res.statusCode} ${res.body}`);
      return makeAgent(res.json().agent_id, site, createPrivateKey(keys.privateKeyPem));
    },
    async audit() {
      const out: Awaited<ReturnType<AgentHarness['audit']>> = [];
      for await (const e of ws.store.audit.iterate())
        out.push({
          action: e.action,
          actor: e.actor,
          target: e.target,
          details: JSON.parse(e.details),
        });
      return out;
    },
    async cleanup() {
      await app.close();
      await tw.cleanup();
    },
  };
  return h;
}
