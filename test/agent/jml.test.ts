/**
 * The agent as shipped, end to end: `tenure serve` over HTTPS with a private CA, the agent from
 * the bundle (and once as `tenure agent`) trusting that CA, slapd behind it. Joiner, mover and
 * leaver land in the directory; the agent never listens; a revoked agent and an agent of another
 * site are refused; SIGTERM stops it cleanly.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryAt, slapdEnv } from '../support/ldap.js';
import { person } from '../support/small-org.js';
import { makeWorld, type World } from './fixture.js';
import { killAll, type Proc } from './processes.js';
import { listeningSockets, socketCount } from './sockets.js';

const d = slapdEnv();

const people = () => [
  person(1, { department: 'Engineering', title: 'Head of Engineering' }),
  person(2, { department: 'Engineering' }),
  person(3, { department: 'Engineering' }),
  person(4, { department: 'Sales', first_name: 'Zoë', last_name: 'a+b"c\\<d>;e=f' }),
  person(5, { department: 'Sales' }),
];

describe.skipIf(!d)('the agent, end to end (real processes, TLS, slapd)', () => {
  let w: World;
  let agent: Proc;
  let stateDir: string;
  let config: string;
  const dn = (id: string, ou: string) => `uid=${id},ou=${ou},${w.subtree.usersBase}`;
  const group = (g: string) => `cn=${g},${w.subtree.groupsBase}`;

  beforeAll(async () => {
    w = await makeWorld(d!, {
      dialect: 'sqlite',
      agents: { poll_wait_seconds: 8, batch_size: 20, heartbeat_seconds: 5, lease_seconds: 10 },
    });
    stateDir = join(w.tmp, 'hq-1');
    config = w.agentConfig({ stateDir });
  });
  afterAll(async () => {
    await killAll();
    await w?.cleanup();
  });

  it('enrolls with a one-time token: key made locally (0600), agent id stored, online', async () => {
    const token = await w.enrollToken();
    agent = w.startAgent('hq-1', config, { token, cli: true });
    const started = await agent.waitForLog((l) => l.msg === 'agent started', 60_000, 'started');
    expect(statSync(join(stateDir, 'agent-key.pem')).mode & 0o777).toBe(0o600);
    const state = JSON.parse(readFileSync(join(stateDir, 'agent.json'), 'utf8'));
    expect(state).toMatchObject({ site: 'HQ', agent_id: started.agent_id });
    const list = await w.cli(['agents', 'list', '--json']);
    expect(list.json()).toEqual([
      expect.objectContaining({ id: started.agent_id, site: 'HQ', status: 'online' }),
    ]);
    // The token was for one use only; nothing secret reached the log.
    expect(agent.stdout()).not.toContain(token);
    expect(agent.stdout()).not.toContain(d!.password);
    expect(agent.stdout()).not.toContain('PRIVATE KEY');
  });

  it('joiners: accounts in their OU with their groups, through the agent', async () => {
    w.writeHr(people());
    const run = await w.runDone(await w.run());
    expect(run.summary).toMatchObject({ failure: 0, waiting_for_agent: 0 });
    const p2 = await entryAt(w.subtree.admin, dn('P002', 'Engineering'));
    expect(p2?.memberof?.sort()).toEqual([group('eng'), group('staff')]);
    const p4 = await entryAt(w.subtree.admin, dn('P004', 'Sales'));
    expect(p4?.cn).toEqual(['Zoë a+b"c\\<d>;e=f']);
    expect(p4?.memberof?.sort()).toEqual([group('sales'), group('staff')]);
    const done = agent.logs().filter((l) => l.msg === 'job done');
    expect(done.map((l) => l.failed)).toEqual(done.map(() => 0));
  });

  it('mover (OU and groups) and leaver (stripped, locked) in one run', async () => {
    w.writeHr([
      ...people().filter((p) => !['P002', 'P003'].includes(p.employee_id)),
      person(2, { department: 'Sales' }),
      person(3, { department: 'Engineering', status: 'terminated', end_date: '2026-01-31' }),
    ]);
    const run = await w.runDone(await w.run());
    expect(run.summary).toMatchObject({ failure: 0 });
    expect(await entryAt(w.subtree.admin, dn('P002', 'Engineering'))).toBeUndefined();
    const p2 = await entryAt(w.subtree.admin, dn('P002', 'Sales'));
    expect(p2?.memberof?.sort()).toEqual([group('sales'), group('staff')]);
    const p3 = await entryAt(w.subtree.admin, dn('P003', 'Engineering'));
    expect(p3?.memberof).toBeUndefined();
    expect(p3?.pwdaccountlockedtime).toEqual(['000001010000Z']);
    // Every operation is audited as the agent's, and the run completed through it.
    const audit = await w.audit();
    const ops = audit.filter(
      (e) => e.actor.startsWith('agent:') && e.action.startsWith('account.'),
    );
    expect(ops.length).toBeGreaterThan(0);
    expect(audit.filter((e) => e.action === 'run.completed').length).toBe(2);
  });

  it('between long polls it sends heartbeats the control plane takes (poll 8 s, heartbeat 5 s)', async () => {
    await w.serve.waitForLog(
      (l) => l.url === '/agent/v1/heartbeat' && l.status === 200,
      20_000,
      'a heartbeat',
    );
    const [listed] = (await w.cli(['agents', 'list', '--json'])).json();
    expect(listed).toMatchObject({ status: 'online', version: expect.stringMatching(/^\d+\.\d+/) });
  });

  it('has no listening socket (while the control plane, as a control, has one)', () => {
    expect(socketCount(agent.pid)).toBeGreaterThan(0);
    expect(listeningSockets(agent.pid)).toEqual([]);
    expect(listeningSockets(w.serve.pid).length).toBeGreaterThan(0);
  });

  it('SIGTERM: stops leasing, exits 0; a restart needs no token and keeps its id', async () => {
    const id = agent.logs().find((l) => l.msg === 'agent started')!.agent_id;
    agent.child.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);
    expect(agent.logs().map((l) => l.msg)).toEqual(
      expect.arrayContaining(['stopping: no new leases', 'agent stopped']),
    );
    agent = w.startAgent('hq-1b', config);
    const again = await agent.waitForLog((l) => l.msg === 'agent started', 30_000, 'restarted');
    expect(again.agent_id).toBe(id);
  });

  it('a revoked agent is refused (audited); another agent of the site takes the work', async () => {
    const id = agent.logs().find((l) => l.msg === 'agent started')!.agent_id;
    const revoked = await w.cli(['agents', 'revoke', id, '--json']);
    expect(revoked.code, revoked.why).toBe(0);
    await agent.waitForLog(
      (l) => l.code === 'agent.revoked' && l.level >= 50,
      30_000,
      'refused as revoked',
    );
    expect(agent.alive()).toBe(true); // refused, backing off, never crashing
    const audit = await w.audit();
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'agent.refused',
        target: `agent:${id}`,
        details: expect.objectContaining({ reason: 'agent.revoked' }),
      }),
    );
    // Work queued now is done by a freshly enrolled agent, never by the revoked one.
    w.writeHr([...people(), person(6, { department: 'Sales' })]);
    const fresh = w.startAgent('hq-2', w.agentConfig(), { token: await w.enrollToken() });
    await w.runDone(await w.run());
    expect(await entryAt(w.subtree.admin, dn('P006', 'Sales'))).toBeDefined();
    expect(fresh.logs().some((l) => l.msg === 'job done')).toBe(true);
    expect(agent.logs().some((l) => l.msg === 'job done')).toBe(false);
  });

  it('wrong site: an agent enrolled for another site than its agent.yaml says does not run', async () => {
    const token = await w.enrollToken('BRANCH');
    const wrong = w.startAgent('branch-as-hq', w.agentConfig({ site: 'HQ' }), { token });
    const { code } = await wrong.exited;
    expect(code).toBe(1);
    expect(wrong.stderr()).toContain('error [agent.wrong_site]');
    expect(wrong.logs().some((l) => l.msg === 'leased')).toBe(false);
  });
});
