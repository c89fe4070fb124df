/**
 * One end-to-end world for the agent tests: a private CA, a fresh slapd subtree, a workspace
 * whose `dir` application is routed to site HQ, `tenure serve` over HTTPS (a real process), an
 * admin API token, and helpers to mint enrollment tokens, write agent.yaml files and start agents.
 * The control plane's tenure.yaml holds no directory credentials: only the agents have them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { createSigningKey } from '../../src/audit/signing-key.js';
import { HR_FIELDS, type HrRecord } from '../../src/domain/types.js';
import { tenure } from '../cli/run-cli.js';
import { createTestDatabase, type TestDatabase, type TestDialect } from '../support/databases.js';
import { type DirectoryEnv, makeSubtree, type Subtree } from '../support/ldap.js';
import { buildBundle, type Proc, startAgent, startServe } from './processes.js';
import { makeTestCa, type TestCa } from './tls.js';

export const SITE = 'HQ';
const PW_VAR = 'HQ_LDAP_PASSWORD';

export type AgentsSettings = {
  poll_wait_seconds?: number;
  batch_size?: number;
  heartbeat_seconds?: number;
  lease_seconds?: number;
  max_attempts?: number;
};

const workspaceYaml = (t: Subtree, agents: AgentsSettings, webhook: boolean) => `
organisation: { name: Agent Co, time_zone: UTC }
sources:
  - id: hr
    type: file
    path: hr/people.csv${webhook ? '\n    webhook: { secret: "${env:HR_WEBHOOK_SECRET}" }' : ''}
schedules:
  import_and_run: { enabled: false }
  lifecycle_tick: { enabled: false }
  reconcile: { enabled: false }
agents: ${JSON.stringify(agents)}
applications:
  - id: dir
    connector: ldap
    route: agent:${SITE}
    account_id: "{employee_id}"
    # Placeholders: the control plane never connects to this directory; the HQ agents do, with
    # the URL and the credentials in their own agent.yaml.
    settings:
      url: ldap://directory.hq.invalid:389
      bind_dn: cn=not-here
      bind_password: "\${env:NOT_ON_THE_CONTROL_PLANE}"
      users_base: "${t.usersBase}"
      groups_base: "${t.groupsBase}"
    entitlements: [{ id: staff }, { id: eng }, { id: sales }]
policies:
  - id: all
    accounts:
      - application: dir
        container: "ou={department}"
        attributes: { cn: "{display_name}", sn: "{last_name}", mail: "{email}", title: "{title}" }
        entitlements: [staff]
  - id: eng
    when: { equals: { department: Engineering } }
    accounts: [{ application: dir, entitlements: [eng] }]
  - id: sales
    when: { equals: { department: Sales } }
    accounts: [{ application: dir, entitlements: [sales] }]
safety: { max_deprovision_share: 1, min_deprovision_count: 100000, max_snapshot_drop: 1 }
`;

export type AuditRow = {
  action: string;
  actor: string;
  trigger: string;
  target: string;
  outcome: string;
  // biome-ignore lint/suspicious/noExplicitAny: free-form details, read by assertions.
  details: Record<string, any>;
};

export type World = Awaited<ReturnType<typeof makeWorld>>;

export async function makeWorld(
  d: DirectoryEnv,
  o: { dialect: TestDialect; agents: AgentsSettings; webhookSecret?: string },
) {
  const tmp = mkdtempSync(join(tmpdir(), 'tenure-agent-e2e-'));
  const ca: TestCa = makeTestCa(tmp);
  // The agent as shipped: scripts/build-agent.mjs into this world's directory.
  const bundle = buildBundle(join(tmp, 'dist'));
  const dir = join(tmp, 'ws');
  mkdirSync(join(dir, '.tenure'), { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'hr'), { recursive: true });
  createSigningKey(join(dir, '.tenure'));
  const subtree = await makeSubtree(d, 'agent');
  writeFileSync(join(dir, 'tenure.yaml'), workspaceYaml(subtree, o.agents, !!o.webhookSecret));
  const db: TestDatabase = await createTestDatabase(o.dialect);
  const env: Record<string, string> = {
    TENURE_DATABASE_URL: db.url,
    ...(o.webhookSecret ? { HR_WEBHOOK_SECRET: o.webhookSecret } : {}),
  };
  const cli = (args: string[]) => tenure(['-w', dir, ...args], { env });
  const made = await cli([
    'tokens',
    'create',
    '--name',
    'e2e',
    '--role',
    'admin',
    '--expires',
    '1d',
    '--json',
  ]);
  if (made.code !== 0) throw new Error(made.why);
  const apiToken = made.json().token as string;
  const caPem = readFileSync(ca.ca);
  let serve: Proc & { url: string } = await startServe(dir, env, ca);
  const port = () => Number(new URL(serve.url).port);

  const api = <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: T }> =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        new URL(path, serve.url),
        {
          method,
          ca: caPem,
          agent: false,
          headers: {
            authorization: `Bearer ${apiToken}`,
            ...(text !== undefined && { 'content-type': 'application/json' }),
          },
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            data += c;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, json: (data ? JSON.parse(data) : null) as T }),
          );
        },
      );
      req.on('error', reject);
      req.end(text);
    });

  let agentCount = 0;
  return {
    tmp,
    dir,
    bundle,
    ca,
    db,
    env,
    subtree,
    cli,
    api,
    get serve() {
      return serve;
    },
    writeHr(people: HrRecord[]) {
      writeFileSync(
        join(dir, 'hr', 'people.csv'),
        stringify([[...HR_FIELDS], ...people.map((p) => HR_FIELDS.map((f) => p[f] ?? ''))]),
      );
    },
    /** `tenure run --json` in its own process; returns the run id (the run waits for the agents). */
    async run(): Promise<string> {
      const r = await cli(['run', '--json']);
      if (r.code !== 0) throw new Error(r.why);
      return r.json().run_id as string;
    },
    async runDone(runId: string, ms = 30_000) {
      const until = Date.now() + ms;
      for (;;) {
        // biome-ignore lint/suspicious/noExplicitAny: the API's run shape, read by assertions.
        const r = await api<any>('GET', `/api/v1/runs/${runId}`);
        if (r.json?.run?.status === 'done') return r.json.run;
        if (Date.now() > until)
          throw new Error(`run ${runId} not done within ${ms} ms: ${JSON.stringify(r.json)}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    },
    async enrollToken(site = SITE): Promise<string> {
      const r = await cli(['agents', 'token', '--site', site, '--expires', '1h', '--json']);
      if (r.code !== 0) throw new Error(r.why);
      return r.json().token as string;
    },
    /** agent.yaml for a new agent (its own state_dir) serving `site` with the real credentials. */
    agentConfig(
      over: { site?: string; stateDir?: string; grace?: number; extra?: string; url?: string } = {},
    ) {
      const n = ++agentCount;
      const file = join(tmp, `agent-${n}.yaml`);
      writeFileSync(
        file,
        `server_url: ${serve.url}
ca_file: ${ca.ca}
site: ${over.site ?? SITE}
state_dir: ${over.stateDir ?? join(tmp, `agent-${n}-state`)}
shutdown_grace_seconds: ${over.grace ?? 10}
backoff: { base_ms: 100, max_ms: 1000 }
connector:
  kind: ldap
  settings:
    url: ${over.url ?? d.url}
    bind_dn: "${d.bindDn}"
    bind_password: "\${env:${PW_VAR}}"
    tls: { ca_file: ${d.ca}, starttls: true }
    users_base: "${subtree.usersBase}"
    groups_base: "${subtree.groupsBase}"
${over.extra ?? ''}`,
      );
      return file;
    },
    startAgent(name: string, config: string, o2: { token?: string; cli?: boolean } = {}) {
      return startAgent(name, {
        bundle,
        config,
        env: { [PW_VAR]: d.password },
        ...o2,
      });
    },
    async stopServe(signal: NodeJS.Signals = 'SIGKILL') {
      serve.child.kill(signal);
      await serve.exited;
    },
    async restartServe() {
      serve = await startServe(dir, env, ca, port());
    },
    /** Audit events in seq order, read from the store (a separate connection). */
    async audit(): Promise<AuditRow[]> {
      const rows = await db.query<Omit<AuditRow, 'details'> & { details: string }>(
        'SELECT action, actor, "trigger", target, outcome, details FROM audit_events ORDER BY seq',
      );
      return rows.map((r) => ({
        ...r,
        details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details,
      }));
    },
    /** `directory: false` leaves the subtree (a throwaway slapd is about to be stopped anyway). */
    async cleanup(o3: { directory?: boolean } = {}) {
      if (o3.directory === false) await subtree.admin.unbind().catch(() => {});
      else await subtree.cleanup().catch(() => {});
      await db.drop().catch(() => {});
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
