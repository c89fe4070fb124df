/**
 * Benchmark of the on-prem agent, all real processes on loopback: `tenure serve` (HTTPS, private
 * CA, SQLite), the bundled agent (dist/agent.js), a slapd of its own.
 * (a) HR change ⟶ account disabled in slapd through the agent: 200 leavers, one signed webhook
 *     each, one after another; clock from just before the POST to the moment the agent finished
 *     the LDAP writes of that person's job (its `job done` log line). Targets p50 ≤ 1 s, p99 ≤ 3 s.
 * (b) Throughput: the same ~10,000 operations (joiners: account + 2 groups) by the ldap connector
 *     called directly (batches of 500 per phase, as the engine does) and through the agent (from
 *     the run's jobs queued to the run completed: lease, LDAP, results recorded). Target ≥ 80 %.
 * Knobs: TENURE_BENCH_AGENT_LEAVERS, _JOINERS, _ROUNDS (3), _BATCH (agents.batch_size, 1000), and
 * TENURE_BENCH_AGENT_DUMP=<dir> to keep the agent's and the server's logs there.
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { stringify as csv } from 'csv-stringify/sync';
import { parse, stringify } from 'yaml';
import { createSigningKey } from '../src/audit/signing-key.js';
import { ldapConnector } from '../src/connectors/ldap/ldap-connector.js';
import { HR_FIELDS, type HrRecord, type Operation } from '../src/domain/types.js';
import { prepareRun } from '../src/engine/runs/prepare-run.js';
import { applyRun } from '../src/engine/runs/runs.js';
import { importSource } from '../src/engine/sync/import-source.js';
import { openWorkspace } from '../src/engine/workspace.js';
import { signatureHeader } from '../src/sources/common/tenure-signature.js';
import { makeWorld, type World } from '../test/agent/fixture.js';
import { killAll, type Proc } from '../test/agent/processes.js';
import { findEntries, makeSubtree, settingsFor } from '../test/support/ldap.js';
import { person } from '../test/support/small-org.js';
import { startBenchDirectory } from './agent-fixture.js';
import { isMain } from './child.js';
import { quantile } from './quantile.js';

const LEAVERS = Number(process.env.TENURE_BENCH_AGENT_LEAVERS ?? 200);
/** 3 operations per joiner (account, staff, department group): 3,334 joiners = 10,002 operations. */
const JOINERS = Number(process.env.TENURE_BENCH_AGENT_JOINERS ?? 3_334);
/** Throughput rounds; the figures are medians. */
const ROUNDS = Number(process.env.TENURE_BENCH_AGENT_ROUNDS ?? 3);
const SECRET = 'bench-agent-webhook-secret';
const silent = { info() {}, warn() {}, error() {} };

export type AgentFigures = {
  leavers: number;
  webhook_to_disabled_p50_ms: number;
  webhook_to_disabled_p99_ms: number;
  webhook_to_disabled_max_ms: number;
  /** Operations per round (the same in each), and how many rounds the medians are over. */
  operations: number;
  rounds: number;
  /** The control plane running the ldap connector itself (route: direct): LDAP + recording. */
  direct_run_s: number;
  direct_run_ops_per_s: number;
  /** The connector alone, nothing recorded: the floor for any route. */
  connector_s: number;
  connector_ops_per_s: number;
  /** route: agent:HQ — jobs queued ⟶ run completed (lease, LDAP on the agent, results recorded). */
  agent_s: number;
  agent_ops_per_s: number;
  /** agent ops/s ÷ direct-run ops/s (target ≥ 0.8). */
  agent_vs_direct: number;
  agent_vs_connector: number;
  agent_vs_direct_per_round: number[];
  bundle_kib: number;
};

/** Resolves `job done` log lines of the agent by account id, as they are written. */
function jobWatcher(agent: Proc) {
  const waiting = new Map<string, (finishedAt: number) => void>();
  let buf = '';
  agent.child.stdout!.on('data', (b: Buffer) => {
    buf += b.toString();
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
      if (!line.includes('"job done"')) continue;
      const l = JSON.parse(line) as { account_id: string; finished_at: string };
      waiting.get(l.account_id)?.(Date.parse(l.finished_at));
      waiting.delete(l.account_id);
    }
  });
  return (accountId: string) => new Promise<number>((resolve) => waiting.set(accountId, resolve));
}

function postWebhook(w: World, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/api/v1/sources/hr/events', w.serve.url),
      {
        method: 'POST',
        ca: readFileSync(w.ca.ca),
        headers: {
          'content-type': 'application/json',
          'x-tenure-signature': signatureHeader(body, SECRET, Date.now() / 1000),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const PHASES: Operation['kind'][][] = [
  ['account.create'],
  ['account.move', 'account.update', 'account.enable'],
  ['entitlement.grant', 'entitlement.revoke'],
  ['account.disable', 'account.delete'],
];

async function direct(d: Awaited<ReturnType<typeof startBenchDirectory>>, ops: Operation[]) {
  const t = await makeSubtree(d, 'direct');
  const c = await ldapConnector.create({
    appId: 'dir',
    config: ldapConnector.configGuard.parse(settingsFor(d, t)),
    secret: () => d.password,
    baseDir: '.',
    log: silent,
  });
  const start = performance.now();
  let failures = 0;
  for (const kinds of PHASES) {
    const phase = ops.filter((o) => kinds.includes(o.kind));
    for (let i = 0; i < phase.length; i += 500)
      for await (const r of c.apply(phase.slice(i, i + 500)))
        if (r.outcome !== 'success') failures++;
  }
  const seconds = (performance.now() - start) / 1000;
  await c.close();
  await t.admin.unbind(); // the bench's own slapd is removed at the end
  if (failures > 0) throw new Error(`direct: ${failures} operations failed`);
  return seconds;
}

/**
 * The same workspace with the application run by the control plane itself (route: direct, the
 * real settings, a subtree of its own, its own SQLite store): seconds from plan computed to run
 * done — every operation applied by the connector and recorded, as for the agent's run.
 */
async function directRun(
  d: Awaited<ReturnType<typeof startBenchDirectory>>,
  w: World,
  round: number,
  people: HrRecord[],
) {
  const t = await makeSubtree(d, 'direct-run');
  const dir = join(w.tmp, `ws-direct-${round}`);
  mkdirSync(join(dir, '.tenure'), { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'hr'));
  createSigningKey(join(dir, '.tenure'));
  writeFileSync(
    join(dir, 'hr', 'people.csv'),
    csv([[...HR_FIELDS], ...people.map((p) => HR_FIELDS.map((f) => p[f] ?? ''))]),
  );
  const config = parse(readFileSync(join(w.dir, 'tenure.yaml'), 'utf8')) as {
    applications: { route: string; settings: unknown }[];
  };
  config.applications[0]!.route = 'direct';
  config.applications[0]!.settings = settingsFor(d, t);
  writeFileSync(join(dir, 'tenure.yaml'), stringify(config));
  const env = { ...process.env };
  delete env.TENURE_DATABASE_URL;
  const ws = await openWorkspace(dir, { env });
  try {
    await importSource(ws, { sourceId: 'hr' });
    let planned = 0;
    const out = await applyRun(ws, {
      actor: 'admin:bench',
      trigger: 'bench',
      onPlanned: () => {
        planned = performance.now();
      },
    });
    const seconds = (performance.now() - planned) / 1000;
    if (out.execution?.failure) throw new Error(`direct run: ${out.execution.failure} failures`);
    return { seconds, ops: out.plan.ops.length };
  } finally {
    await ws.close();
    await t.admin.unbind(); // the bench's own slapd is removed at the end
  }
}

/** POST /api/v1/runs (in the server: the queued jobs wake the agent's long poll at once); seconds
 * from the jobs queued (`agent.enqueued`) to the run completed (`run.completed`), both audited. */
async function throughAgent(w: World, agent: Proc, round: number): Promise<number> {
  // biome-ignore lint/suspicious/noExplicitAny: API JSON.
  const started = await w.api<any>('POST', '/api/v1/runs', {});
  if (started.status !== 200) throw new Error(JSON.stringify(started.json));
  const runId = started.json.run_id as string;
  await w.runDone(runId, 600_000);
  const rows = await w.db.query<{ action: string; ts: string }>(
    `SELECT action, ts FROM audit_events WHERE "trigger" = 'run:${runId}' AND action IN ('agent.enqueued', 'run.completed') ORDER BY seq`,
  );
  const queuedAt = Date.parse(rows.find((r) => r.action === 'agent.enqueued')!.ts);
  const completedAt = Date.parse(rows.find((r) => r.action === 'run.completed')!.ts);
  const dump = process.env.TENURE_BENCH_AGENT_DUMP;
  if (dump) {
    // Where the time goes: both processes' JSON logs and the run's two instants.
    writeFileSync(join(dump, 'agent.log'), agent.stdout());
    writeFileSync(join(dump, 'serve.log'), w.serve.stdout());
    writeFileSync(join(dump, `times-${round}.json`), JSON.stringify({ queuedAt, completedAt }));
  }
  return (completedAt - queuedAt) / 1000;
}

export async function benchAgent(): Promise<AgentFigures> {
  const d = await startBenchDirectory();
  let w: World | undefined;
  try {
    w = await makeWorld(d, {
      dialect: 'sqlite',
      agents: {
        poll_wait_seconds: 25,
        batch_size: Number(process.env.TENURE_BENCH_AGENT_BATCH ?? 1000),
      },
      webhookSecret: SECRET,
    });
    const agent = w.startAgent('bench', w.agentConfig(), { token: await w.enrollToken() });
    await agent.waitForLog((l) => l.msg === 'agent started', 60_000, 'started');
    const done = jobWatcher(agent);

    // (b) throughput, ROUNDS times (interleaved, medians: other work on the machine moves single
    // figures a lot): new joiners each round, planned once, applied by the connector alone, by
    // the control plane itself (route: direct), and through the agent.
    const people: HrRecord[] = [];
    const rounds: { ops: number; connector: number; directRun: number; agent: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const joiners = Array.from({ length: JOINERS }, (_, i) =>
        person(r * JOINERS + i + 1, { department: i % 2 ? 'Sales' : 'Engineering' }),
      );
      people.push(...joiners);
      w.writeHr(people);
      const imported = await w.cli(['import', '--json']);
      if (imported.code !== 0) throw new Error(imported.why);
      const ws = await openWorkspace(w.dir, { env: { ...process.env, ...w.env } });
      const ops = (await prepareRun(ws)).ops;
      await ws.close();
      const connectorS = await direct(d, ops);
      const directRunOut = await directRun(d, w, r, joiners);
      if (directRunOut.ops !== ops.length)
        throw new Error(
          `direct run planned ${directRunOut.ops} operations, ${ops.length} expected`,
        );
      const agentS = await throughAgent(w, agent, r);
      rounds.push({
        ops: ops.length,
        connector: connectorS,
        directRun: directRunOut.seconds,
        agent: agentS,
      });
      console.error(
        `[agent bench] round ${r + 1}/${ROUNDS}: ${ops.length} ops: connector ${connectorS.toFixed(2)} s, direct run ${directRunOut.seconds.toFixed(2)} s, agent ${agentS.toFixed(2)} s`,
      );
    }
    const med = (k: 'connector' | 'directRun' | 'agent') =>
      quantile(
        rounds.map((x) => x[k]),
        0.5,
      );
    const opsPerRound = rounds[0]!.ops;

    // (a) leavers: one signed webhook each, one after another.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const latencies: number[] = [];
    for (let i = 0; i < LEAVERS; i++) {
      const id = people[i]!.employee_id;
      const body = JSON.stringify({
        employee_id: id,
        event_id: `bench-leaver-${i}`,
        record: { status: 'terminated', end_date: yesterday },
      });
      const finished = done(id);
      const t0 = Date.now();
      const status = await postWebhook(w, body);
      if (status !== 202) throw new Error(`webhook for ${id}: HTTP ${status}`);
      latencies.push((await finished) - t0);
    }
    const locked = await findEntries(
      w.subtree.admin,
      w.subtree.usersBase,
      '(pwdAccountLockedTime=*)',
      ['uid'],
    );
    if (locked.length !== LEAVERS)
      throw new Error(`${locked.length} accounts locked in slapd, ${LEAVERS} expected`);

    const figures: AgentFigures = {
      leavers: LEAVERS,
      webhook_to_disabled_p50_ms: quantile(latencies, 0.5),
      webhook_to_disabled_p99_ms: quantile(latencies, 0.99),
      webhook_to_disabled_max_ms: Math.max(...latencies),
      operations: opsPerRound,
      rounds: ROUNDS,
      direct_run_s: med('directRun'),
      direct_run_ops_per_s: opsPerRound / med('directRun'),
      connector_s: med('connector'),
      connector_ops_per_s: opsPerRound / med('connector'),
      agent_s: med('agent'),
      agent_ops_per_s: opsPerRound / med('agent'),
      agent_vs_direct: med('directRun') / med('agent'),
      agent_vs_connector: med('connector') / med('agent'),
      agent_vs_direct_per_round: rounds.map((x) => x.directRun / x.agent),
      bundle_kib: Math.round(readFileSync(w.bundle).length / 1024),
    };
    printFigures(figures);
    return figures;
  } finally {
    await killAll();
    await w?.cleanup({ directory: false });
    d.stop();
  }
}

export function printFigures(f: AgentFigures): void {
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const lines = [
    `agent: HR webhook ⟶ disabled in slapd, ${f.leavers} leavers: p50 ${ms(f.webhook_to_disabled_p50_ms)} (≤ 1 s), p99 ${ms(f.webhook_to_disabled_p99_ms)} (≤ 3 s), max ${ms(f.webhook_to_disabled_max_ms)}`,
    `agent: ${f.operations.toLocaleString('en')} operations, same slapd (median of ${f.rounds} rounds): control plane running the connector (route: direct) ${f.direct_run_s.toFixed(2)} s (${Math.round(f.direct_run_ops_per_s)}/s); through the agent ${f.agent_s.toFixed(2)} s (${Math.round(f.agent_ops_per_s)}/s) = ${(f.agent_vs_direct * 100).toFixed(0)} % (≥ 80 %; rounds: ${f.agent_vs_direct_per_round.map((x) => `${(x * 100).toFixed(0)} %`).join(', ')})`,
    `agent:   the connector alone, nothing recorded (median): ${f.connector_s.toFixed(2)} s (${Math.round(f.connector_ops_per_s)}/s); the agent reaches ${(f.agent_vs_connector * 100).toFixed(0)} % of that`,
    `agent: bundle dist/agent.js ${f.bundle_kib} KiB`,
  ];
  console.log(lines.join('\n'));
}

if (isMain(import.meta.url)) await benchAgent();
