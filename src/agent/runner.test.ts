import { describe, expect, it } from 'vitest';
import type { Connector } from '../connectors/contract.js';
import type { Operation } from '../domain/types.js';
import { type AgentJob, resultRequestSchema } from '../protocol/agent-v1.js';
import { type JobDone, runJobs } from './runner.js';

const create: Operation = {
  key: 'k1',
  kind: 'account.create',
  app_id: 'dir',
  identity_id: 'P2',
  account_id: 'P2',
  attributes: { cn: 'Ann Lee', manager: 'P1' },
  reasons: [],
  lifecycle: [],
};
const job: AgentJob = {
  job_id: 1,
  lease_id: 'l1',
  lease_expires_at: '2026-11-26T10:00:00Z',
  attempt: 1,
  idempotency_key: 'i1',
  run_id: 'r1',
  app_id: 'dir',
  operations: [create],
};

/** What the ldap connector answers when the manager is not in the directory. */
const unlinking: Connector = {
  check: async () => ({ ok: true, checks: [] }),
  read: async function* () {},
  apply: async function* (ops) {
    for (const op of ops)
      yield { key: op.key, outcome: 'success', message: 'link not set', unapplied: ['manager'] };
  },
  close: async () => {},
};

describe('agent runner', () => {
  it("reports the connector's unapplied keys in a result the control plane accepts", async () => {
    const done: JobDone[] = [];
    await runJobs(unlinking, [job], (d) => done.push(d));
    expect(done[0]?.results).toEqual([
      { key: 'k1', outcome: 'success', message: 'link not set', unapplied: ['manager'] },
    ]);
    const { results, started_at, finished_at } = done[0]!;
    const parsed = resultRequestSchema.parse({
      job_id: job.job_id,
      lease_id: job.lease_id,
      results,
      started_at,
      finished_at,
    });
    expect(parsed.results[0]?.unapplied).toEqual(['manager']);
  });
});
