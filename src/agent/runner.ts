/**
 * Runs leased jobs with the local connector: rounds (one job per account at a time), creates
 * before the rest, exactly one result per operation, in the job's order. A connector that throws
 * fails the operations it was given, never the agent.
 */
import type { Connector } from '../connectors/contract.js';
import type { Operation, OperationResult } from '../domain/types.js';
import type { AgentJob } from '../protocol/agent-v1.js';
import { createsOf, failedCreateJobs, notAttempted, planRounds } from './rounds.js';

export type JobDone = {
  job: AgentJob;
  results: OperationResult[];
  started_at: string;
  finished_at: string;
};

async function applyAll(
  connector: Connector,
  ops: Operation[],
  into: Map<string, OperationResult>,
): Promise<void> {
  if (ops.length === 0) return;
  try {
    for await (const r of connector.apply(ops)) into.set(r.key, r);
  } catch (e) {
    const message = `connector error: ${(e as Error).message}`;
    for (const op of ops)
      if (!into.has(op.key)) into.set(op.key, { key: op.key, outcome: 'failure', message });
  }
  for (const op of ops)
    if (!into.has(op.key))
      into.set(op.key, {
        key: op.key,
        outcome: 'failure',
        message: 'connector returned no result',
      });
}

/** Runs one round; calls `done` for each job as soon as all its results are in. */
async function runRound(
  connector: Connector,
  round: AgentJob[],
  done: (d: JobDone) => void,
): Promise<void> {
  const started = new Date().toISOString();
  const results = new Map<string, OperationResult>();
  await applyAll(connector, createsOf(round), results);
  const blocked = failedCreateJobs(round, results);
  const runnable: Operation[] = [];
  for (const job of round)
    for (const op of job.operations) {
      if (op.kind === 'account.create') continue;
      if (blocked.has(job.job_id)) results.set(op.key, notAttempted(op));
      else runnable.push(op);
    }
  await applyAll(connector, runnable, results);
  const finished = new Date().toISOString();
  for (const job of round)
    done({
      job,
      results: job.operations.map((op) => results.get(op.key)!),
      started_at: started,
      finished_at: finished,
    });
}

/** Runs a batch round by round; `shouldStop` is checked between rounds (shutdown). */
export async function runJobs(
  connector: Connector,
  jobs: AgentJob[],
  done: (d: JobDone) => void,
  shouldStop: () => boolean = () => false,
): Promise<AgentJob[]> {
  const rounds = planRounds(jobs);
  for (let i = 0; i < rounds.length; i++) {
    if (shouldStop()) return rounds.slice(i).flat();
    await runRound(connector, rounds[i]!, done);
  }
  return [];
}
