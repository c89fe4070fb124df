/**
 * High availability with real processes: an agent killed with SIGKILL in the middle of its work
 * loses its leases when they expire and the restarted agent completes everything — the directory
 * ends exactly as desired, no duplicate entries, and the audit shows both attempts. Two agents of
 * one site share the work and never hold the same job at once. On SQLite and PostgreSQL.
 */

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/databases.js';
import { findEntries, slapdEnv } from '../support/ldap.js';
import { person } from '../support/small-org.js';
import { makeWorld, type World } from './fixture.js';
import { killAll, type LogLine } from './processes.js';

const d = slapdEnv();
const N = 160;
const org = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) =>
    person(from + i, { department: i % 2 ? 'Sales' : 'Engineering' }),
  );

/** uid -> DNs of inetOrgPerson entries under the subtree: duplicates show as two DNs. */
async function accounts(w: World): Promise<Map<string, string[]>> {
  const found = await findEntries(
    w.subtree.admin,
    w.subtree.usersBase,
    '(objectClass=inetOrgPerson)',
    ['uid'],
  );
  const out = new Map<string, string[]>();
  for (const e of found) {
    const uid = String(e.uid);
    out.set(uid, [...(out.get(uid) ?? []), e.dn]);
  }
  return out;
}

const leasedJobs = (events: Awaited<ReturnType<World['audit']>>) =>
  events
    .filter((e) => e.action === 'agent.leased')
    .flatMap((e) =>
      (e.details.jobs as { job: number; attempt: number }[]).map((j) => ({ ...j, actor: e.actor })),
    );

describe.skipIf(!d).each(d ? testDialects() : ['sqlite' as const])(
  'agents fail over and share work (%s)',
  (dialect) => {
    let w: World;

    beforeAll(async () => {
      w = await makeWorld(d!, {
        dialect,
        agents: { poll_wait_seconds: 3, batch_size: 5, heartbeat_seconds: 5, lease_seconds: 10 },
      });
    });
    afterAll(async () => {
      await killAll();
      await w?.cleanup();
    });

    it('kill -9 mid-batch: leases expire, the restarted agent finishes; no duplicates; both attempts audited', async () => {
      const stateDir = join(w.tmp, 'a-state');
      const config = w.agentConfig({ stateDir });
      const first = w.startAgent('a', config, { token: await w.enrollToken() });
      const started = await first.waitForLog((l) => l.msg === 'agent started', 30_000, 'started');
      w.writeHr(org(1, N));
      const runId = await w.run();
      // The moment the first jobs are written to the directory — before they are reported.
      await first.waitForLog((l) => l.msg === 'job done', 30_000, 'first job done');
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      const doneBeforeKill = first.logs().filter((l) => l.msg === 'job done').length;
      expect(doneBeforeKill).toBeLessThan(N);

      const second = w.startAgent('a-restarted', config);
      const restarted = await second.waitForLog(
        (l) => l.msg === 'agent started',
        30_000,
        'restarted',
      );
      expect(restarted.agent_id).toBe(started.agent_id);
      const run = await w.runDone(runId, 60_000);
      expect(run.summary).toMatchObject({ failure: 0, waiting_for_agent: 0 });

      const dir = await accounts(w);
      expect(dir.size).toBe(N);
      expect([...dir.values()].filter((dns) => dns.length > 1)).toEqual([]);
      expect([...dir.keys()].sort()).toEqual(
        org(1, N)
          .map((p) => p.employee_id)
          .sort(),
      );

      // Jobs the killed agent held were leased again after their leases expired: attempt 2.
      const leases = leasedJobs(await w.audit());
      const retried = leases.filter((l) => l.attempt >= 2);
      expect(retried.length).toBeGreaterThan(0);
      for (const r of retried)
        expect(leases.some((l) => l.job === r.job && l.attempt === r.attempt - 1)).toBe(true);
      // Some of them had already been applied by the killed agent: the second run was harmless.
      const doneFirst = new Set(
        first
          .logs()
          .filter((l) => l.msg === 'job done')
          .map((l) => l.job_id),
      );
      const doneAgain = second
        .logs()
        .filter((l) => l.msg === 'job done' && doneFirst.has(l.job_id));
      expect(doneAgain.every((l) => l.failed === 0)).toBe(true);
      second.child.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    });

    it('two agents of one site share the work; no job is held by both at once', async () => {
      const [b, c] = await Promise.all(
        ['b', 'c'].map(async (name) => {
          const p = w.startAgent(name, w.agentConfig(), { token: await w.enrollToken() });
          await p.waitForLog((l) => l.msg === 'agent started', 30_000, 'started');
          return p;
        }),
      );
      w.writeHr([...org(1, N), ...org(N + 1, N)]);
      const run = await w.runDone(await w.run(), 60_000);
      expect(run.summary).toMatchObject({ failure: 0, waiting_for_agent: 0 });
      const jobsOf = (logs: LogLine[]) => logs.filter((l) => l.msg === 'job done');
      const byB = jobsOf(b!.logs());
      const byC = jobsOf(c!.logs());
      expect(byB.length).toBeGreaterThan(0);
      expect(byC.length).toBeGreaterThan(0);
      expect(byB.length + byC.length).toBe(N);
      const idsB = new Set(byB.map((l) => l.job_id));
      expect(byC.filter((l) => idsB.has(l.job_id))).toEqual([]);
      // The control plane's view: each job of this run was leased exactly once.
      const leases = leasedJobs(await w.audit());
      const runJobs = new Set([...byB, ...byC].map((l) => l.job_id));
      const counts = new Map<number, number>();
      for (const l of leases)
        if (runJobs.has(l.job)) counts.set(l.job, (counts.get(l.job) ?? 0) + 1);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect((await accounts(w)).size).toBe(2 * N);
    });
  },
);
