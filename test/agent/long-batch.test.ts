/**
 * A batch that outlives its lease: the directory hangs (a proxy stops passing bytes) for more
 * than two lease periods while the agent holds the jobs. The agent's heartbeats extend the
 * leases, so no job expires, none is leased a second time, and when the directory answers again
 * the run finishes with every account written once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEntries, slapdEnv } from '../support/ldap.js';
import { person } from '../support/small-org.js';
import { makeWorld, type World } from './fixture.js';
import { type PausableProxy, startPausableProxy } from './pausable-proxy.js';
import { killAll } from './processes.js';

const d = slapdEnv();
/** The smallest lease the configuration allows (heartbeats every 5 s at most). */
const LEASE_SECONDS = 10;
const N = 12;

describe.skipIf(!d)('a batch longer than its lease (real processes)', () => {
  let w: World;
  let proxy: PausableProxy;

  beforeAll(async () => {
    proxy = await startPausableProxy(d!.url);
    w = await makeWorld(d!, {
      dialect: 'sqlite',
      agents: {
        poll_wait_seconds: 2,
        batch_size: N,
        heartbeat_seconds: 5,
        lease_seconds: LEASE_SECONDS,
      },
    });
  });
  afterAll(async () => {
    await killAll();
    await w?.cleanup();
    await proxy?.close();
  });

  it('heartbeats keep the leases while the directory hangs; each job leased once, no lease lost', async () => {
    const agent = w.startAgent('slow', w.agentConfig({ url: proxy.url }), {
      token: await w.enrollToken(),
    });
    await agent.waitForLog((l) => l.msg === 'agent started', 30_000, 'started');
    proxy.pause();
    w.writeHr(Array.from({ length: N }, (_, i) => person(i + 1, { department: 'Sales' })));
    const runId = await w.run();
    await agent.waitForLog((l) => l.msg === 'leased' && l.jobs > 0, 30_000, 'leased');
    // Over two lease periods with the directory silent (yet under the 30 s operation timeout):
    // without heartbeats every lease would have expired and been handed out again.
    await new Promise((r) => setTimeout(r, 2.2 * LEASE_SECONDS * 1000));
    expect(agent.logs().filter((l) => l.msg === 'job done')).toEqual([]);
    proxy.resume();

    const run = await w.runDone(runId, 60_000);
    expect(run.summary).toMatchObject({ failure: 0, waiting_for_agent: 0 });
    expect(agent.logs().filter((l) => l.msg === 'lease lost')).toEqual([]);
    const leased = (await w.audit())
      .filter((e) => e.action === 'agent.leased')
      .flatMap((e) => e.details.jobs as { job: number; attempt: number }[]);
    expect(leased.length).toBeGreaterThan(0);
    expect(leased.filter((j) => j.attempt > 1)).toEqual([]);
    expect(new Set(leased.map((j) => j.job)).size).toBe(leased.length);

    const entries = await findEntries(
      w.subtree.admin,
      w.subtree.usersBase,
      '(objectClass=inetOrgPerson)',
      ['uid'],
    );
    expect(entries).toHaveLength(N);
    agent.child.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);
  });
});
