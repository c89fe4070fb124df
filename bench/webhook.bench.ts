/**
 * Benchmark: HR webhook received ⟶ plan for that person computed, on 100,000 identities (SQLite,
 * loopback). A real server (buildApp + the scheduler's worker) listens on 127.0.0.1 in a child
 * process; the client in the same process sends signed mover events one at a time with fetch.
 * Clock: t0 just before fetch() (so loopback, parsing, HMAC, the upsert transaction, the job
 * queue and the lease are all inside), t1 in applyRun's onPlanned hook. The run's execution
 * (csv-export rewriting 100k-row files) is waited for between events but is not in the figure.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parse, stringify } from 'yaml';
import { importSource } from '../src/engine/import-source.js';
import { createScheduler } from '../src/engine/scheduler/index.js';
import { signatureHeader } from '../src/engine/webhook/verify.js';
import { openWorkspace } from '../src/engine/workspace.js';
import { buildApp } from '../src/http/app.js';
import { isMain, report, runChild } from './child.js';
import { DEPARTMENTS, populateActualState, writeWorkspace } from './workspace-fixture.js';

export type WebhookFigures = {
  identities: number;
  webhooks: number;
  /** Client send ⟶ plan computed in the worker (target ≤ 100 ms p99). */
  received_to_plan_p50_ms: number;
  received_to_plan_p99_ms: number;
  received_to_plan_max_ms: number;
  /** Client send ⟶ 202 Accepted (identity saved, run queued). */
  accepted_p50_ms: number;
  accepted_p99_ms: number;
  /** Client send ⟶ run executed (csv-export files rewritten): context, not the target. */
  done_p50_ms: number;
  ops_per_run: number;
  setup_s: number;
  slowest: number[][];
  /** 1-minute load average before and after the measurement: the tail is the machine's too. */
  load: [number, number];
  max_rss_mb: number;
};

const SECRET_ENV = 'TENURE_BENCH_WEBHOOK_SECRET';
const SECRET = 'bench-webhook-secret';

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo]! + (s[Math.ceil(i)]! - s[lo]!) * (i - lo);
};

/** The fixture's tenure.yaml with a webhook on source `hr` and no periodic schedule. */
function enableWebhook(dir: string): void {
  const file = join(dir, 'tenure.yaml');
  const config = parse(readFileSync(file, 'utf8')) as {
    sources: { id: string; webhook?: unknown }[];
    schedules?: unknown;
  };
  for (const s of config.sources)
    if (s.id === 'hr') s.webhook = { secret: `\${env:${SECRET_ENV}}` };
  config.schedules = {
    import_and_run: { enabled: false },
    lifecycle_tick: { enabled: false },
    reconcile: { enabled: false },
  };
  writeFileSync(file, stringify(config));
}

async function measure(dir: string, webhooks: number): Promise<void> {
  process.env[SECRET_ENV] = SECRET;
  const t = performance.now();
  const setup = await openWorkspace(dir);
  try {
    await importSource(setup, { sourceId: 'hr' });
  } finally {
    await setup.close();
  }
  await populateActualState(dir);
  const setupSeconds = (performance.now() - t) / 1000;

  const log = pino({ level: 'silent' });
  const ws = await openWorkspace(dir, { log });
  const planned = new Map<number, number>();
  const waiting = new Map<number, (opsOrError: number | Error) => void>();
  const scheduler = createScheduler({
    ws,
    log,
    intervals: { pollMs: 5_000 },
    hooks: {
      onPlanned: (job, plan) => {
        planned.set(job.id, performance.now());
        ops = plan.ops.length;
      },
      onFinished: (job, outcome) => waiting.get(job.id)?.(outcome instanceof Error ? outcome : 0),
    },
  });
  let ops = 0;
  await scheduler.start();
  const app = await buildApp({ ws, log, scheduler });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1/sources/hr/events`;
  try {
    const people = (await ws.store.identities.all()).filter(
      (i) => i.status === 'active' && i.attributes.department !== 'Executive',
    );
    const stride = Math.max(1, Math.floor(people.length / webhooks));
    const loadBefore = loadavg()[0]!;
    const toPlan: number[] = [];
    const accepted: number[] = [];
    const done: number[] = [];
    for (let i = 0; i < webhooks; i++) {
      const p = people[(i * stride) % people.length]!;
      const department =
        DEPARTMENTS[(DEPARTMENTS.indexOf(p.attributes.department) + 1) % DEPARTMENTS.length]!;
      const body = JSON.stringify({
        employee_id: p.id,
        event_id: `bench-${i}`,
        record: { department },
      });
      const header = signatureHeader(body, SECRET, ws.clock().getTime() / 1000);
      const t0 = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tenure-signature': header },
        body,
      });
      const t1 = performance.now();
      if (res.status !== 202) throw new Error(`webhook ${i}: ${res.status} ${await res.text()}`);
      const { job_id } = (await res.json()) as { job_id: number };
      const finished = await new Promise<number | Error>((resolve) => {
        waiting.set(job_id, resolve);
        // It may have finished before we started listening.
        void ws.store.jobs.get(job_id).then((j) => {
          if (j?.status === 'done') resolve(0);
          if (j?.status === 'failed') resolve(new Error(j.last_error ?? 'failed'));
        });
      });
      waiting.delete(job_id);
      if (finished instanceof Error) throw finished;
      const t2 = performance.now();
      const at = planned.get(job_id);
      if (at === undefined) throw new Error(`job ${job_id}: no plan recorded`);
      toPlan.push(at - t0);
      accepted.push(t1 - t0);
      done.push(t2 - t0);
    }
    report({
      identities: people.length,
      webhooks,
      received_to_plan_p50_ms: quantile(toPlan, 0.5),
      received_to_plan_p99_ms: quantile(toPlan, 0.99),
      received_to_plan_max_ms: Math.max(...toPlan),
      accepted_p50_ms: quantile(accepted, 0.5),
      accepted_p99_ms: quantile(accepted, 0.99),
      done_p50_ms: quantile(done, 0.5),
      ops_per_run: ops,
      setup_s: setupSeconds,
      // Where the slowest ones spent their time: [to plan, to 202] in ms, send order.
      slowest: toPlan
        .map((ms, i) => [Math.round(ms), Math.round(accepted[i]!), i])
        .sort((a, b) => b[0]! - a[0]!)
        .slice(0, 5),
      load: [loadBefore, loadavg()[0]!].map((l) => Math.round(l * 10) / 10),
    });
  } finally {
    await app.close();
    await scheduler.stop();
    await ws.close();
  }
}

/** 100,000 synthetic people, 200 signed mover events; prints and returns the figures. */
export async function benchWebhook(
  opts: { people?: number; webhooks?: number } = {},
): Promise<WebhookFigures> {
  const people = opts.people ?? 100_000;
  const webhooks = opts.webhooks ?? 200;
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-webhook-'));
  try {
    writeWorkspace(dir, people);
    enableWebhook(dir);
    const f = await runChild<WebhookFigures>(import.meta.url, [dir, String(webhooks)]);
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(
      `webhook: received ⟶ plan computed p50 ${ms(f.received_to_plan_p50_ms)}, p99 ${ms(f.received_to_plan_p99_ms)} ` +
        `(max ${ms(f.received_to_plan_max_ms)}; target p99 ≤ 100 ms) over ${f.webhooks} signed movers, ` +
        `${people.toLocaleString('en')} people on SQLite; 202 in p50 ${ms(f.accepted_p50_ms)}, ` +
        `run done p50 ${ms(f.done_p50_ms)} (${f.ops_per_run} ops, csv-export); load average ${f.load.join(' ⟶ ')}`,
    );
    return f;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  if (process.argv[2] && process.argv[3]) await measure(process.argv[2], Number(process.argv[3]));
  else await benchWebhook({ people: Number(process.env.BENCH_PEOPLE ?? 100_000) });
}
