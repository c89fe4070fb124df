/**
 * Offline safety with real processes: the control plane goes away (SIGKILL) — the agent backs off
 * with jitter and stays up; work queued meanwhile (straight into the store by `tenure run`) is
 * drained as soon as the control plane is back. Work queued while no agent is online waits, and
 * runs when one returns.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryAt, slapdEnv } from '../support/ldap.js';
import { person } from '../support/small-org.js';
import { makeWorld, type World } from './fixture.js';
import { killAll, type Proc } from './processes.js';

const d = slapdEnv();
const org = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    person(i + 1, { department: i % 2 ? 'Sales' : 'Engineering' }),
  );

describe.skipIf(!d)('the agent while the control plane or the agents are away', () => {
  let w: World;
  let agent: Proc;
  let config: string;
  const dn = (p: ReturnType<typeof person>) =>
    `uid=${p.employee_id},ou=${p.department},${w.subtree.usersBase}`;

  beforeAll(async () => {
    w = await makeWorld(d!, {
      dialect: 'sqlite',
      agents: { poll_wait_seconds: 3, batch_size: 20, heartbeat_seconds: 5, lease_seconds: 10 },
    });
    config = w.agentConfig({ stateDir: join(w.tmp, 'off-state') });
    agent = w.startAgent('off', config, { token: await w.enrollToken() });
    await agent.waitForLog((l) => l.msg === 'agent started', 30_000, 'started');
  });
  afterAll(async () => {
    await killAll();
    await w?.cleanup();
  });

  it('control plane down: the agent backs off (full jitter, capped) and stays up, then drains', async () => {
    await w.stopServe('SIGKILL');
    const people = org(30);
    w.writeHr(people);
    const runId = await w.run(); // the CLI queues for site HQ straight into the store
    const failures = async (n: number) => {
      await agent.waitForLog(
        () => agent.logs().filter((l) => l.msg === 'lease failed; backing off').length >= n,
        30_000,
        `${n} lease failures`,
      );
      return agent.logs().filter((l) => l.msg === 'lease failed; backing off');
    };
    const seen = await failures(4);
    expect(seen.every((l) => l.code === 'agent.unreachable' && l.level === 40)).toBe(true);
    // Each delay lies under its ceiling min(1000, 100·2^n) (agent.yaml backoff), jittered.
    for (const l of seen)
      expect(l.retry_in_ms).toBeLessThan(Math.min(1000, 100 * 2 ** (l.failures - 1)));
    expect(new Set(seen.map((l) => l.retry_in_ms)).size).toBeGreaterThan(1);
    expect(agent.alive()).toBe(true);
    expect(people.length).toBe(30);

    await w.restartServe();
    const run = await w.runDone(runId, 30_000);
    expect(run.summary).toMatchObject({ failure: 0, waiting_for_agent: 0 });
    for (const p of [people[0]!, people[29]!])
      expect(await entryAt(w.subtree.admin, dn(p))).toBeDefined();
  });

  it('no agent online: the work waits in the site queue, and runs when an agent returns', async () => {
    agent.child.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);
    const people = [...org(30), person(31, { department: 'Sales' })];
    w.writeHr(people);
    const runId = await w.run();
    await new Promise((r) => setTimeout(r, 1500));
    // biome-ignore lint/suspicious/noExplicitAny: API JSON.
    const waiting = await w.api<any>('GET', `/api/v1/runs/${runId}`);
    expect(waiting.json.run.status).toBe('applying');
    expect(waiting.json.run.summary.waiting_for_agent).toBeGreaterThan(0);
    expect(await entryAt(w.subtree.admin, dn(people[30]!))).toBeUndefined();

    agent = w.startAgent('off-again', config);
    const run = await w.runDone(runId, 30_000);
    expect(run.summary).toMatchObject({ failure: 0, waiting_for_agent: 0 });
    expect(await entryAt(w.subtree.admin, dn(people[30]!))).toBeDefined();
  });

  it('SIGTERM mid-batch (no grace): held jobs are released at once, exit 0; no wait for lease expiry', async () => {
    agent.child.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);
    const quick = w.startAgent('quick', w.agentConfig({ grace: 0 }), {
      token: await w.enrollToken(),
    });
    await quick.waitForLog((l) => l.msg === 'agent started', 30_000, 'started');
    const people = [...org(31), ...org(240).slice(31)];
    w.writeHr(people);
    const runId = await w.run();
    await quick.waitForLog((l) => l.msg === 'job done', 30_000, 'first job done');
    quick.child.kill('SIGTERM');
    expect((await quick.exited).code).toBe(0);
    const released = quick.logs().find((l) => l.msg === 'released jobs to the queue');
    const releasedIds: number[] = released?.released ?? [];
    expect(releasedIds.length).toBeGreaterThan(0);

    // Released at once: before any agent is back, no released job still holds a lease (lease_seconds
    // is 10, so a lease left to run out would still be there).
    const ids = releasedIds.join(',');
    const rows = await w.db.query<{ status: string; lease_expires_at: unknown }>(
      `SELECT status, lease_expires_at FROM jobs WHERE id IN (${ids})`,
    );
    expect(rows).toHaveLength(releasedIds.length);
    for (const r of rows) expect(r).toMatchObject({ lease_expires_at: null });
    expect(rows.some((r) => r.status === 'leased')).toBe(false);

    agent = w.startAgent('after-quick', config);
    const run = await w.runDone(runId, 30_000);
    expect(run.summary).toMatchObject({ failure: 0, waiting_for_agent: 0 });
    // Leased again as the same attempt: a release gives the attempt back, an expired lease keeps it.
    const leases = (await w.audit()).filter((e) => e.action === 'agent.leased');
    for (const id of releasedIds) {
      const attempts = leases.flatMap((e) =>
        e.details.jobs
          .filter((j: { job: number }) => j.job === id)
          .map((j: { attempt: number }) => j.attempt),
      );
      expect(attempts.length, `job ${id} leased twice`).toBeGreaterThanOrEqual(2);
      expect(attempts.at(-1), `job ${id} attempt`).toBe(attempts.at(-2));
    }
    expect(await entryAt(w.subtree.admin, dn(people[239]!))).toBeDefined();
  });
});
