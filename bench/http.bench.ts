/**
 * Benchmark: the API under a fixed load. 100,000 identities on SQLite; `tenure serve` in a child
 * process on 127.0.0.1; autocannon in this process sends 500 requests/s for 10 s to a random
 * identity list page (keyset cursor) and to a random identity's detail. Target: p99 ≤ 20 ms.
 * Run alone: `npx tsx bench/http.bench.ts`.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createSigningKey } from '../src/audit/signing-key.js';
import { createApiToken } from '../src/http/auth/tokens.js';
import { createStore } from '../src/store/create-store.js';
import { isMain } from './child.js';
import { syntheticOrg } from './synthetic-org.js';

const IDENTITIES = Number(process.env.BENCH_IDENTITIES ?? 100_000);
const RATE = 500;
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const REPO = new URL('../', import.meta.url).pathname;

export type HttpFigures = {
  identities: number;
  seed_s: number;
  rate: number;
  list_p50_ms: number;
  list_p99_ms: number;
  list_max_ms: number;
  list_requests: number;
  /** Server CPU time per request (user + system): what the load costs, whatever the machine's load. */
  list_cpu_ms_per_request: number;
  detail_p50_ms: number;
  detail_p99_ms: number;
  detail_max_ms: number;
  detail_requests: number;
  detail_cpu_ms_per_request: number;
  errors: number;
};

/** Bulk insert through the store: identities and their first history row, 5,000 per batch. */
async function seed(url: string): Promise<{ token: string; ids: string[]; seconds: number }> {
  const store = await createStore(url);
  try {
    await store.migrate();
    const t0 = performance.now();
    const records = syntheticOrg(IDENTITIES);
    const at = '2026-11-26T09:00:00.000Z';
    for (let i = 0; i < records.length; i += 5000) {
      await store.identities.save(
        records.slice(i, i + 5000).map((r) => ({
          identity: {
            id: r.employee_id,
            source_id: 'hr',
            attributes: r,
            status: r.status,
            missing_from_source: false,
            updated_at: at,
          },
          events: ['joiner'],
        })),
        at,
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    const { token } = await createApiToken(store, {
      name: 'bench',
      role: 'auditor',
      expiresInMs: 86_400_000,
      actor: 'admin:bench',
      userId: null,
      now: new Date(),
    });
    return { token, ids: records.map((r) => r.employee_id), seconds };
  } finally {
    await store.close();
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
};

function startServer(dir: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const args = [...nodeArgs, join(REPO, 'bin/tenure.js'), '-w', dir, 'serve', '--port', '0'];
  const child = spawn(process.execPath, args, {
    // Request logs at info, as in production; they go to /dev/null here.
    env: { ...process.env, TENURE_LOG_LEVEL: 'info', TENURE_DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /listening on (\S+)/.exec(err);
      if (m)
        resolve({
          url: m[1]!,
          pid: child.pid!,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
    });
    child.on('exit', (code) => reject(new Error(`tenure serve exited ${code}: ${err}`)));
  });
}

const cursor = (id: string) => Buffer.from(JSON.stringify(id)).toString('base64url');

export async function benchHttp(): Promise<HttpFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-http-'));
  try {
    cpSync(join(REPO, 'examples/demo/tenure.yaml'), join(dir, 'tenure.yaml'));
    // Only the API is measured: no scheduled import or run competing for the process.
    appendFileSync(
      join(dir, 'tenure.yaml'),
      '\nschedules:\n  import_and_run: { enabled: false }\n  lifecycle_tick: { enabled: false }\n  reconcile: { enabled: false }\n',
    );
    cpSync(join(REPO, 'examples/demo/hr'), join(dir, 'hr'), { recursive: true });
    mkdirSync(join(dir, '.tenure'), { mode: 0o700 });
    createSigningKey(join(dir, '.tenure'));
    const { token, ids, seconds } = await seed(`sqlite:${join(dir, '.tenure', 'tenure.db')}`);
    const server = await startServer(dir);
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
    const load = (path: () => string, duration: number) =>
      autocannon({
        url: server.url,
        connections: 10,
        overallRate: RATE,
        duration,
        headers: { authorization: `Bearer ${token}` },
        requests: [{ setupRequest: (req) => ({ ...req, path: path() }) }],
      });
    const listPath = () => `/api/v1/identities?limit=50&cursor=${cursor(pick())}`;
    const detailPath = () => `/api/v1/identities/${pick()}`;
    try {
      await load(listPath, 2); // warm-up: JIT, SQLite page cache
      await load(detailPath, 2);
      const measured = async (path: () => string) => {
        const cpu0 = cpuSeconds(server.pid);
        const result = await load(path, SECONDS);
        const cpuMs = (cpuSeconds(server.pid) - cpu0) * 1000;
        return { result, cpuPerRequest: cpuMs / Math.max(1, result.requests.total) };
      };
      const { result: list, cpuPerRequest: listCpu } = await measured(listPath);
      const { result: detail, cpuPerRequest: detailCpu } = await measured(detailPath);
      const figures: HttpFigures = {
        identities: IDENTITIES,
        seed_s: seconds,
        rate: RATE,
        list_p50_ms: list.latency.p50,
        list_p99_ms: list.latency.p99,
        list_max_ms: list.latency.max,
        list_requests: list.requests.total,
        list_cpu_ms_per_request: Math.round(listCpu * 100) / 100,
        detail_p50_ms: detail.latency.p50,
        detail_p99_ms: detail.latency.p99,
        detail_max_ms: detail.latency.max,
        detail_requests: detail.requests.total,
        detail_cpu_ms_per_request: Math.round(detailCpu * 100) / 100,
        errors: list.non2xx + list.errors + detail.non2xx + detail.errors,
      };
      console.log(
        `http: ${IDENTITIES.toLocaleString('en')} identities (seeded in ${seconds.toFixed(1)} s), ${RATE} req/s for ${SECONDS} s each:\n` +
          `  identity list page  p50 ${figures.list_p50_ms} ms, p99 ${figures.list_p99_ms} ms, max ${figures.list_max_ms} ms (${figures.list_requests} requests; server CPU ${figures.list_cpu_ms_per_request} ms/request)\n` +
          `  identity detail     p50 ${figures.detail_p50_ms} ms, p99 ${figures.detail_p99_ms} ms, max ${figures.detail_max_ms} ms (${figures.detail_requests} requests; server CPU ${figures.detail_cpu_ms_per_request} ms/request)\n` +
          `  non-2xx or errors: ${figures.errors}   target: p99 ≤ 20 ms   load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`,
      );
      return figures;
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await benchHttp();
