/**
 * Benchmark: HR webhook received ⟶ plan for that person computed, on 100,000 identities (SQLite,
 * loopback). A real server (buildApp + the scheduler's worker) listens on 127.0.0.1 in a child
 * process; the client in the same process sends signed mover events one at a time with fetch.
 * Clock: t0 just before fetch() (so loopback, parsing, HMAC, the upsert transaction, the job
 * queue and the lease are all inside), t1 in applyRun's onPlanned hook. The run's execution
 * (csv-export rewriting 100k-row files) is waited for between events but is not in the figure.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { signatureHeader } from '../src/sources/common/tenure-signature.js';
import { isMain, report, runChild } from './child.js';
import { type WebhookFigures as BaseFigures, timeWebhooks } from './webhook-timing.js';
import { DEPARTMENTS, writeWorkspace } from './workspace-fixture.js';

export type WebhookFigures = BaseFigures & {
  /** The five slowest: [send ⟶ plan, send ⟶ 202] in ms, and the send index. */
  slowest: number[][];
};

const SECRET_ENV = 'TENURE_BENCH_WEBHOOK_SECRET';
const SECRET = 'bench-webhook-secret';

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
  const { toPlan, accepted, ...figures } = await timeWebhooks({
    dir,
    sourceId: 'hr',
    webhooks,
    async send(i, p, url) {
      const department =
        DEPARTMENTS[(DEPARTMENTS.indexOf(p.attributes.department) + 1) % DEPARTMENTS.length]!;
      const body = JSON.stringify({
        employee_id: p.id,
        event_id: `bench-${i}`,
        record: { department },
      });
      const header = signatureHeader(body, SECRET, Date.now() / 1000);
      const t0 = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tenure-signature': header },
        body,
      });
      const t1 = performance.now();
      if (res.status !== 202) throw new Error(`webhook ${i}: ${res.status} ${await res.text()}`);
      const { job_id } = (await res.json()) as { job_id: number };
      return { t0, t1, jobId: job_id };
    },
  });
  report({
    ...figures,
    // Where the slowest ones spent their time: [to plan, to 202] in ms, send order.
    slowest: toPlan
      .map((ms, i) => [Math.round(ms), Math.round(accepted[i]!), i])
      .sort((a, b) => b[0]! - a[0]!)
      .slice(0, 5),
  });
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
