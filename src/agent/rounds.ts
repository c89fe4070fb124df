/**
 * Pure planning of one leased batch: jobs touching the same account run in separate rounds (in
 * job order), so two runs' changes to one person never interleave; within a round the creates
 * go first, and a job whose create failed reports its later operations as not attempted.
 */
import type { Operation, OperationResult } from '../domain/types.js';
import type { AgentJob } from '../protocol/agent-v1.js';

/** One account of one application: what must not be changed by two jobs at once. */
export const accountKey = (job: AgentJob): string => {
  const op = job.operations[0];
  return `${job.app_id}\u0000${op?.identity_id ?? `#${op?.account_id ?? ''}`}`;
};

/** Jobs in job-id order, split so no round holds two jobs of the same account. */
export function planRounds(jobs: AgentJob[]): AgentJob[][] {
  const rounds: AgentJob[][] = [];
  const seen: Set<string>[] = [];
  for (const job of [...jobs].sort((a, b) => a.job_id - b.job_id)) {
    const key = accountKey(job);
    // After the last round that already holds this account, never before it.
    let i = seen.length;
    while (i > 0 && !seen[i - 1]!.has(key)) i--;
    if (i === seen.length) {
      rounds.push([]);
      seen.push(new Set());
    }
    rounds[i]!.push(job);
    seen[i]!.add(key);
  }
  return rounds;
}

/** A round's first stage: every job's creates (the rest waits for them). */
export const createsOf = (round: AgentJob[]): Operation[] =>
  round.flatMap((job) => job.operations.filter((op) => op.kind === 'account.create'));

export const notAttempted = (op: Operation): OperationResult => ({
  key: op.key,
  outcome: 'failure',
  message: 'not attempted: creating the account failed',
});

/** The jobs whose create failed: their other operations are not attempted. */
export function failedCreateJobs(
  round: AgentJob[],
  results: Map<string, OperationResult>,
): Set<number> {
  const failed = new Set<number>();
  for (const job of round)
    for (const op of job.operations)
      if (op.kind === 'account.create' && results.get(op.key)?.outcome !== 'success')
        failed.add(job.job_id);
  return failed;
}
