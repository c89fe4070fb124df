/**
 * Benchmark: the scim connector provisioning 5,000 joiners (account + 1 group membership) into a
 * SCIMMY server running in its own process, with bounded concurrency, against the server's own
 * limit — the same user POSTs sent by a plain fetch loop at the same concurrency, nothing else.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Connector } from '../src/connectors/contract.js';
import { GROUP_SCHEMA } from '../src/connectors/scim/groups.js';
import { createBody, createMapping, PATCH_SCHEMA } from '../src/connectors/scim/mapping.js';
import { parsePath, type ScimPath } from '../src/connectors/scim/paths.js';
import { scimConnector } from '../src/connectors/scim/scim-connector.js';
import { ENTERPRISE_USER } from '../src/connectors/scim/settings.js';
import type { Operation } from '../src/domain/types.js';
import { isMain } from './child.js';

const JOINERS = Number(process.env.TENURE_BENCH_SCIM_JOINERS ?? 5_000);
const CONCURRENCY = Number(process.env.TENURE_BENCH_SCIM_CONCURRENCY ?? 8);
/** The engine's batch size: apply() sees at most this many operations at once. */
const BATCH = 500;
const silent = { info() {}, warn() {}, error() {} };
const round = (x: number) => Math.round(x * 100) / 100;

type Tenant = { url: string; token: string };

async function startServer(): Promise<{
  tenants: Record<'raw' | 'connector' | 'batched' | 'raw2', Tenant>;
  stop(): void;
}> {
  const file = fileURLToPath(new URL('./scim-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`scim server exited ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return { tenants: JSON.parse(line), stop: () => child.stdin!.end() };
}

const attributes = (i: number) => ({
  cn: `Person ${i}`,
  mail: `j${i}@example.com`,
  title: 'Engineer',
});

function joinerOps(n: number): Operation[][] {
  const op = (i: number, kind: Operation['kind'], extra: Partial<Operation>): Operation => ({
    key: `${kind}:j${i}`,
    kind,
    app_id: 'saas',
    identity_id: `E${i}`,
    account_id: `j${i}@example.com`,
    reasons: ['birthright:all'],
    lifecycle: ['joiner'],
    ...extra,
  });
  const batches: Operation[][] = [];
  for (const kind of ['account.create', 'entitlement.grant'] as const)
    for (let i = 0; i < n; i += BATCH)
      batches.push(
        Array.from({ length: Math.min(BATCH, n - i) }, (_, k) =>
          kind === 'account.create'
            ? op(i + k, kind, { attributes: attributes(i + k) })
            : op(i + k, kind, { entitlement: 'staff' }),
        ),
      );
  return batches;
}

const settings = (t: Tenant, lookupBatch = 1) =>
  scimConnector.configGuard.parse({
    base_url: t.url,
    auth: { type: 'bearer', token: '${env:TENURE_BENCH_SCIM_TOKEN}' },
    attributes: { cn: 'displayName', mail: 'emails[type eq "work"].value', title: 'title' },
    concurrency: CONCURRENCY,
    lookup_batch: lookupBatch,
  });

async function viaConnector(t: Tenant, lookupBatch: number) {
  const config = settings(t, lookupBatch);
  const c: Connector = await scimConnector.create({
    appId: 'saas',
    config,
    secret: () => t.token,
    baseDir: '.',
    log: silent,
  });
  const phase: Record<string, number> = {};
  let failures = 0;
  const started = performance.now();
  for (const batch of joinerOps(JOINERS)) {
    const t0 = performance.now();
    for await (const r of c.apply(batch)) if (r.outcome !== 'success') failures++;
    phase[batch[0]!.kind] = (phase[batch[0]!.kind] ?? 0) + (performance.now() - t0) / 1000;
  }
  const seconds = (performance.now() - started) / 1000;
  await c.close();
  if (failures > 0) throw new Error(`${failures} joiner operations failed`);
  return {
    seconds,
    accountsS: phase['account.create']!,
    membershipsS: phase['entitlement.grant']!,
  };
}

/**
 * The same writes without the connector: the user POSTs from `CONCURRENCY` fetch loops (the
 * server's own limit), then the group's member PATCHes, 500 at a time as the engine batches them.
 */
async function viaFetch(t: Tenant): Promise<{ postsS: number; patchesS: number }> {
  const mapping = createMapping(settings(t));
  const employee = parsePath(`${ENTERPRISE_USER}:employeeNumber`);
  const body = (i: number) => {
    const a = attributes(i);
    const values: [ScimPath, string][] = [[employee, `E${i}`]];
    for (const [k, v] of Object.entries(a)) values.push([mapping.attributes.get(k)!, v]);
    return JSON.stringify(createBody(`j${i}@example.com`, values, true));
  };
  const headers = { authorization: `Bearer ${t.token}`, 'content-type': 'application/scim+json' };
  const ids: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < JOINERS) {
        const i = next++;
        const res = await fetch(`${t.url}/Users`, { method: 'POST', headers, body: body(i) });
        const made = (await res.json()) as { id: string };
        if (res.status !== 201) throw new Error(`raw POST ${i}: ${res.status}`);
        ids[i] = made.id;
      }
    }),
  );
  const postsS = (performance.now() - started) / 1000;
  const t1 = performance.now();
  const group = (await (
    await fetch(`${t.url}/Groups`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ schemas: [GROUP_SCHEMA], displayName: 'staff' }),
    })
  ).json()) as { id: string };
  for (let i = 0; i < JOINERS; i += BATCH) {
    const value = ids.slice(i, i + BATCH).map((id) => ({ value: id }));
    const res = await fetch(`${t.url}/Groups/${group.id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'add', path: 'members', value }],
      }),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`raw PATCH: ${res.status}`);
  }
  return { postsS, patchesS: (performance.now() - t1) / 1000 };
}

export async function benchScim(): Promise<Record<string, number>> {
  const server = await startServer();
  try {
    // Raw before and after, the better of the two: a shared machine's load shifts over a minute.
    const before = await viaFetch(server.tenants.raw);
    const ours = await viaConnector(server.tenants.connector, 1);
    const batched = await viaConnector(server.tenants.batched, 50);
    const after = await viaFetch(server.tenants.raw2);
    const raw = before.postsS + before.patchesS <= after.postsS + after.patchesS ? before : after;
    const rawS = raw.postsS;
    const figures = {
      scim_joiners: JOINERS,
      scim_load_average: round(loadavg()[0] ?? 0),
      scim_concurrency: CONCURRENCY,
      scim_joiners_s: round(ours.seconds),
      scim_ops_per_s: Math.round((2 * JOINERS) / ours.seconds),
      scim_joiners_per_s: Math.round(JOINERS / ours.seconds),
      scim_accounts_s: round(ours.accountsS),
      scim_memberships_s: round(ours.membershipsS),
      scim_raw_posts_s: round(rawS),
      scim_raw_posts_per_s: Math.round(JOINERS / rawS),
      scim_raw_member_patches_s: round(raw.patchesS),
      scim_vs_raw_writes_ratio: round((rawS + raw.patchesS) / ours.seconds),
      scim_vs_raw_ratio: round(rawS / ours.seconds),
      scim_accounts_only_vs_raw_ratio: round(rawS / ours.accountsS),
      scim_batched_joiners_s: round(batched.seconds),
      scim_batched_ops_per_s: Math.round((2 * JOINERS) / batched.seconds),
      scim_batched_accounts_s: round(batched.accountsS),
      scim_batched_vs_raw_ratio: round(rawS / batched.seconds),
      scim_batched_accounts_only_vs_raw_ratio: round(rawS / batched.accountsS),
    };
    console.log(
      `scim (SCIMMY, ${CONCURRENCY} in flight, load ${figures.scim_load_average}): ${JOINERS.toLocaleString('en')} joiners (account + 1 group) in ` +
        `${figures.scim_joiners_s} s = ${figures.scim_ops_per_s} ops/s (${figures.scim_joiners_per_s} joiners/s; ` +
        `accounts ${figures.scim_accounts_s} s, memberships ${figures.scim_memberships_s} s) vs the server's own ` +
        `limit, the same POSTs alone: ${figures.scim_raw_posts_s} s (${figures.scim_raw_posts_per_s}/s) — ` +
        `ratio ${figures.scim_vs_raw_ratio} (accounts alone ${figures.scim_accounts_only_vs_raw_ratio}; against the ` +
        `same writes raw, POSTs + ${Math.ceil(JOINERS / BATCH)} member PATCHes ${round(rawS + raw.patchesS)} s: ` +
        `${figures.scim_vs_raw_writes_ratio}). ` +
        `With lookup_batch: 50: ${figures.scim_batched_joiners_s} s = ${figures.scim_batched_ops_per_s} ops/s, ` +
        `ratio ${figures.scim_batched_vs_raw_ratio} (accounts alone ${figures.scim_batched_accounts_only_vs_raw_ratio})`,
    );
    return figures;
  } finally {
    server.stop();
  }
}

if (isMain(import.meta.url)) await benchScim();
