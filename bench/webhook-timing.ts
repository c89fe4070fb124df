/**
 * What both webhook benchmarks measure the same way: a served control plane (buildApp + the
 * scheduler's worker) on 127.0.0.1 over an imported, provisioned workspace, and for each webhook
 * the time from send to 202, to the person's plan (the scheduler's onPlanned hook) and to the run
 * done. The run is waited for between webhooks, so each one is measured alone.
 */
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { pino } from 'pino';
import type { Identity } from '../src/domain/types.js';
import { createScheduler } from '../src/engine/scheduler/index.js';
import { importSource } from '../src/engine/sync/import-source.js';
import { openWorkspace } from '../src/engine/workspace.js';
import { buildApp } from '../src/http/app.js';
import { quantile } from './quantile.js';
import { populateActualState } from './workspace-fixture.js';

/** One webhook sent: when it left, when the 202 came, and the job it queued. */
export type Sent = { t0: number; t1: number; jobId: number };

export type WebhookTimings = {
  identities: number;
  webhooks: number;
  /** Client send ⟶ plan computed in the worker (target ≤ 100 ms p99). */
  received_to_plan_p50_ms: number;
  received_to_plan_p99_ms: number;
  received_to_plan_max_ms: number;
  /** Client send ⟶ 202 Accepted (verified, saved — a thin event: the person re-read —, run queued). */
  accepted_p50_ms: number;
  accepted_p99_ms: number;
  /** Client send ⟶ run executed (csv-export files rewritten): context, not the target. */
  done_p50_ms: number;
  ops_per_run: number;
  setup_s: number;
  /** 1-minute load average before and after the measurement: the tail is the machine's too. */
  load: [number, number];
  /** Send ⟶ plan and send ⟶ 202 in ms, for each webhook in send order. */
  toPlan: number[];
  accepted: number[];
};

/** What a webhook benchmark reports: the timings without the samples, and the child's peak RSS. */
export type WebhookFigures = Omit<WebhookTimings, 'toPlan' | 'accepted'> & { max_rss_mb: number };

export async function timeWebhooks(o: {
  dir: string;
  sourceId: string;
  webhooks: number;
  /** Sends webhook `i` about `person` to `url`; throws unless it was accepted. */
  send: (i: number, person: Identity, url: string) => Promise<Sent>;
}): Promise<WebhookTimings> {
  const t = performance.now();
  const setup = await openWorkspace(o.dir);
  try {
    await importSource(setup, { sourceId: o.sourceId });
  } finally {
    await setup.close();
  }
  await populateActualState(o.dir);
  const setupSeconds = (performance.now() - t) / 1000;

  const log = pino({ level: 'silent' });
  const ws = await openWorkspace(o.dir, { log });
  const planned = new Map<number, number>();
  const waiting = new Map<number, (e: Error | undefined) => void>();
  let ops = 0;
  const scheduler = createScheduler({
    ws,
    log,
    intervals: { pollMs: 5_000 },
    hooks: {
      onPlanned: (job, plan) => {
        planned.set(job.id, performance.now());
        ops = plan.ops.length;
      },
      onFinished: (job, outcome) =>
        waiting.get(job.id)?.(outcome instanceof Error ? outcome : undefined),
    },
  });
  await scheduler.start();
  const app = await buildApp({ ws, log, scheduler });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1/sources/${o.sourceId}/events`;
  try {
    const people = (await ws.store.identities.all()).filter(
      (i) => i.status === 'active' && i.attributes.department !== 'Executive',
    );
    const stride = Math.max(1, Math.floor(people.length / o.webhooks));
    const loadBefore = loadavg()[0]!;
    const toPlan: number[] = [];
    const accepted: number[] = [];
    const done: number[] = [];
    for (let i = 0; i < o.webhooks; i++) {
      const { t0, t1, jobId } = await o.send(i, people[(i * stride) % people.length]!, url);
      const failed = await new Promise<Error | undefined>((resolve) => {
        waiting.set(jobId, resolve);
        // It may have finished before we started listening.
        void ws.store.jobs.get(jobId).then((j) => {
          if (j?.status === 'done') resolve(undefined);
          if (j?.status === 'failed') resolve(new Error(j.last_error ?? 'failed'));
        });
      });
      waiting.delete(jobId);
      if (failed) throw failed;
      const t2 = performance.now();
      const at = planned.get(jobId);
      if (at === undefined) throw new Error(`job ${jobId}: no plan recorded`);
      toPlan.push(at - t0);
      accepted.push(t1 - t0);
      done.push(t2 - t0);
    }
    return {
      identities: people.length,
      webhooks: o.webhooks,
      received_to_plan_p50_ms: quantile(toPlan, 0.5),
      received_to_plan_p99_ms: quantile(toPlan, 0.99),
      received_to_plan_max_ms: Math.max(...toPlan),
      accepted_p50_ms: quantile(accepted, 0.5),
      accepted_p99_ms: quantile(accepted, 0.99),
      done_p50_ms: quantile(done, 0.5),
      ops_per_run: ops,
      setup_s: setupSeconds,
      load: [loadBefore, loadavg()[0]!].map((l) => Math.round(l * 10) / 10) as [number, number],
      toPlan,
      accepted,
    };
  } finally {
    await app.close();
    await scheduler.stop();
    await ws.close();
  }
}
