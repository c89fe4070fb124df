/**
 * Benchmark: a signed BambooHR webhook received ⟶ the plan for that person computed, on 100,000
 * identities (SQLite, loopback). A fake BambooHR API (test/support/fake-bamboohr.ts) runs in a
 * process of its own, as the real one is another machine; a second child process holds the control
 * plane (buildApp + the scheduler's worker) and the client. For each of 200 movers the client
 * changes the person's department in the fake, then sends BambooHR's thin `employee.updated` event
 * signed with X-BambooHR-Signature. Clock: t0 just before fetch()
 * (loopback, HMAC, the re-read of that person from the fake BambooHR API — two GETs — the upsert
 * transaction, the queue and the lease are inside), t1 in applyRun's onPlanned hook. The run's
 * execution (csv-export rewriting 100k-row files) is waited for between events, not in the figure.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { HrRecord } from '../src/domain/types.js';
import { bambooSignature } from '../src/sources/bamboohr/webhook.js';
import { startFakeBamboo } from '../test/support/fake-bamboohr.js';
import { isMain, report, runChild } from './child.js';
import { syntheticOrg } from './synthetic-org.js';
import { timeWebhooks, type WebhookFigures } from './webhook-timing.js';
import { DEPARTMENTS, writeWorkspace } from './workspace-fixture.js';

const KEY_ENV = 'TENURE_BENCH_BAMBOO_KEY';
const HOOK_ENV = 'TENURE_BENCH_BAMBOO_HOOK';
const API_KEY = 'bench-bamboo-api-key';
const HOOK_KEY = 'bench-bamboo-webhook-key';

/** The synthetic organisation as BambooHR would hold it (documented field ids). */
const asBamboo = (r: HrRecord, i: number): Record<string, unknown> => ({
  id: String(i + 1),
  employeeNumber: r.employee_id,
  firstName: r.first_name,
  lastName: r.last_name,
  preferredName: r.preferred_name,
  workEmail: r.email,
  department: r.department,
  jobTitle: r.title,
  supervisorId: r.manager_id,
  location: r.location,
  employmentHistoryStatus:
    r.status === 'terminated'
      ? 'Terminated'
      : r.status === 'leave'
        ? 'Leave of Absence'
        : r.employment_type === 'contractor'
          ? 'Contractor'
          : 'Full-Time',
  status: r.status === 'terminated' ? 'Inactive' : 'Active',
  hireDate: r.start_date,
  rehireDate: '0000-00-00',
  terminationDate: r.end_date ?? '0000-00-00',
});

/** The fixture's tenure.yaml with one BambooHR source at `url` and no periodic schedule. */
function useBamboo(dir: string, url: string): void {
  const file = join(dir, 'tenure.yaml');
  const config = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  config.sources = [
    {
      id: 'bamboo',
      type: 'bamboohr',
      company_domain: 'bench',
      base_url: url,
      api_key: `\${env:${KEY_ENV}}`,
      webhook: { secret: `\${env:${HOOK_ENV}}` },
    },
  ];
  config.schedules = {
    import_and_run: { enabled: false },
    lifecycle_tick: { enabled: false },
    reconcile: { enabled: false },
  };
  writeFileSync(file, stringify(config));
}

/** The fake BambooHR process: n synthetic employees; prints its URL, serves until SIGTERM. */
async function serveFake(n: number): Promise<void> {
  const employees = syntheticOrg(n).map(asBamboo);
  const fake = await startFakeBamboo({ apiKey: API_KEY, employees, ahead: {}, control: true });
  process.on('SIGTERM', () => void fake.stop().then(() => process.exit(0)));
  process.stdout.write(`FAKE_URL ${fake.url}\n`);
}

/** Starts the fake BambooHR process and resolves with its URL and a stop function. */
function startFakeProcess(n: number): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), 'fake', String(n)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const m = /FAKE_URL (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, stop: () => child.kill('SIGTERM') });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`fake BambooHR exited ${code}`)));
  });
}

async function measure(dir: string, n: number, webhooks: number, fakeUrl: string): Promise<void> {
  process.env[KEY_ENV] = API_KEY;
  process.env[HOOK_ENV] = HOOK_KEY;
  // Vendor ids as the fake process assigned them (the synthetic organisation is deterministic).
  const vendorId = new Map(syntheticOrg(n).map((r, i) => [r.employee_id, String(i + 1)]));
  const updateFake = (id: string, patch: Record<string, unknown>) =>
    fetch(`${fakeUrl}/_fake/employees/${id}`, { method: 'PATCH', body: JSON.stringify(patch) });
  useBamboo(dir, fakeUrl);
  const {
    toPlan: _,
    accepted: __,
    ...figures
  } = await timeWebhooks({
    dir,
    sourceId: 'bamboo',
    webhooks,
    async send(i, p, url) {
      const id = vendorId.get(p.id)!;
      const department =
        DEPARTMENTS[(DEPARTMENTS.indexOf(p.attributes.department) + 1) % DEPARTMENTS.length]!;
      await updateFake(id, { department });
      const body = JSON.stringify({
        type: 'employee.updated',
        timestamp: new Date().toISOString(),
        data: { companyId: 'bench', employeeId: id, changedFields: ['department'] },
      });
      const ts = String(Math.floor(Date.now() / 1000));
      const headers = {
        'content-type': 'application/json',
        'x-bamboohr-signature': bambooSignature(body, ts, HOOK_KEY),
        'x-bamboohr-timestamp': ts,
      };
      const t0 = performance.now();
      const res = await fetch(url, { method: 'POST', headers, body });
      const t1 = performance.now();
      if (res.status !== 202) throw new Error(`webhook ${i}: ${res.status} ${await res.text()}`);
      const out = (await res.json()) as { people: { job_id: number }[] };
      const jobId = out.people[0]?.job_id;
      if (jobId === undefined) throw new Error(`webhook ${i}: nobody re-read`);
      return { t0, t1, jobId };
    },
  });
  report(figures);
}

/** 100,000 synthetic people behind a fake BambooHR, 200 signed thin webhooks; prints and returns the figures. */
export async function benchHrWebhook(
  opts: { people?: number; webhooks?: number } = {},
): Promise<WebhookFigures> {
  const people = opts.people ?? 100_000;
  const webhooks = opts.webhooks ?? 200;
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-hr-webhook-'));
  const fake = await startFakeProcess(people);
  try {
    writeWorkspace(dir, people);
    const f = await runChild<WebhookFigures>(import.meta.url, [
      dir,
      String(people),
      String(webhooks),
      fake.url,
    ]);
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(
      `BambooHR webhook: received ⟶ plan computed p50 ${ms(f.received_to_plan_p50_ms)}, p99 ${ms(f.received_to_plan_p99_ms)} ` +
        `(max ${ms(f.received_to_plan_max_ms)}; target p99 ≤ 100 ms) over ${f.webhooks} signed thin events, ` +
        `${people.toLocaleString('en')} people on SQLite; 202 (after re-reading the person) p50 ${ms(f.accepted_p50_ms)}, ` +
        `p99 ${ms(f.accepted_p99_ms)}; run done p50 ${ms(f.done_p50_ms)} (${f.ops_per_run} ops); load average ${f.load.join(' ⟶ ')}`,
    );
    return f;
  } finally {
    fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const [dir, n, webhooks, url] = process.argv.slice(2);
  if (dir === 'fake' && n) await serveFake(Number(n));
  else if (dir && n && webhooks && url) await measure(dir, Number(n), Number(webhooks), url);
  else
    await benchHrWebhook({
      people: Number(process.env.BENCH_PEOPLE ?? 100_000),
      webhooks: Number(process.env.BENCH_WEBHOOKS ?? 200),
    });
}
