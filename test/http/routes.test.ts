/** Every resource through inject(): paging, filters, the engine's write actions, evidence, operations endpoints. */
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_KEY_FILE } from '../../src/audit/signing-key.js';
import { verifyExport } from '../../src/audit/verify-export.js';
import { importSource } from '../../src/engine/sync/import-source.js';
import { identityPageSchema } from '../../src/http/schemas.js';
import { testDialects } from '../support/databases.js';
import { DEMO_DIR } from '../support/workspace.js';
import { makeTestApp, OWN_IDENTITY, type TestApp } from './support.js';

/** The demo config with a hair-trigger safety gate: snapshot 2's leavers make a held run. */
const YAML = readFileSync(join(DEMO_DIR, 'tenure.yaml'), 'utf8')
  .replace(/max_deprovision_share: [0-9.]+/, 'max_deprovision_share: 0.0')
  .replace(/min_deprovision_count: \d+/, 'min_deprovision_count: 1');

type Page<T> = { items: T[]; next: string | null };

describe.each(testDialects())('API routes (%s)', (dialect) => {
  let t: TestApp;
  const status = { calls: 0 };
  beforeAll(async () => {
    t = await makeTestApp(dialect, {
      yaml: YAML,
      app: {
        scheduler: {
          status: () => ({ leader: true, calls: ++status.calls }),
          stop: async () => {},
        },
      },
    });
  });
  afterAll(() => t?.cleanup());

  const get = async <T = Record<string, unknown>>(url: string, role = 'admin' as const) => {
    const res = await t.app.inject({ url, headers: t.bearer(role) });
    expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    return res.json() as T;
  };
  /** Follows `next` to the end; returns every item. */
  const all = async <T>(url: string) => {
    const items: T[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const sep = url.includes('?') ? '&' : '?';
      const page: Page<T> = await get(`${url}${next ? `${sep}cursor=${next}` : ''}`);
      items.push(...page.items);
      next = page.next;
      pages++;
    } while (next !== null && pages < 1000);
    return { items, pages };
  };

  it('identities: keyset pages cover everyone once, in id order; filters; detail, history, access', async () => {
    const { items, pages } = await all<{ id: string }>('/api/v1/identities?limit=70');
    const ids = items.map((i) => i.id);
    expect(ids).toHaveLength(300);
    expect(pages).toBe(5);
    expect(new Set(ids).size).toBe(300);
    expect(ids).toEqual([...ids].sort());
    // The list is written without the serializer (raw JSON): it must still match its schema.
    const raw = await get<unknown>('/api/v1/identities?limit=3');
    expect(identityPageSchema.strict().parse(raw)).toEqual(raw);
    const active = await get<Page<{ status: string }>>(
      '/api/v1/identities?status=active&limit=500',
    );
    expect(active.items.length).toBeGreaterThan(200);
    expect(active.items.every((i) => i.status === 'active')).toBe(true);
    expect((await get<Page<unknown>>('/api/v1/identities?missing=true')).items).toEqual([]);

    expect(await get('/api/v1/identities?limit=1')).toMatchObject({ total: 300 });

    // Search as the console does: a name prefix, a department, both; the total counts all pages.
    type Found = Page<{ id: string; attributes: Record<string, string> }> & { total: number };
    const own = (
      await get<{ identity: Found['items'][number] }>(`/api/v1/identities/${OWN_IDENTITY}`)
    ).identity;
    const last = own.attributes.last_name!;
    const byName = await get<Found>(
      `/api/v1/identities?q=${encodeURIComponent(last.slice(0, 3).toUpperCase())}`,
    );
    expect(byName.items.map((i) => i.id)).toContain(OWN_IDENTITY);
    expect(byName.total).toBe(byName.items.length);
    const dept = own.attributes.department!;
    const inDept = await all<Found['items'][number]>(
      `/api/v1/identities?department=${encodeURIComponent(dept)}&limit=7`,
    );
    expect(inDept.items.every((i) => i.attributes.department === dept)).toBe(true);
    const deptPage = await get<Found>(
      `/api/v1/identities?department=${encodeURIComponent(dept)}&limit=7`,
    );
    expect(deptPage.total).toBe(inDept.items.length);
    expect(deptPage.items).toHaveLength(Math.min(7, deptPage.total));
    const both = await get<Found>(
      `/api/v1/identities?department=${encodeURIComponent(dept)}&q=${encodeURIComponent(`${own.attributes.first_name} ${last}`)}`,
    );
    expect(both.items.map((i) => i.id)).toContain(OWN_IDENTITY);
    expect(both.items.every((i) => i.attributes.department === dept)).toBe(true);
    expect(await get(`/api/v1/identities?q=${OWN_IDENTITY.toLowerCase()}`)).toMatchObject({
      total: 1,
      items: [{ id: OWN_IDENTITY }],
    });
    expect(await get('/api/v1/identities?q=zzzzzz')).toEqual({ items: [], next: null, total: 0 });

    const detail = await get<{
      identity: { id: string };
      accounts: { app_id: string; entitlements: string[] }[];
      grants: unknown[];
    }>(`/api/v1/identities/${OWN_IDENTITY}`);
    expect(detail.identity.id).toBe(OWN_IDENTITY);
    expect(detail.accounts.map((a) => a.app_id)).toContain('directory');
    expect(detail.accounts.find((a) => a.app_id === 'directory')?.entitlements).toContain(
      'all-staff',
    );
    const history = await get<{ items: { events: string[] }[] }>(
      `/api/v1/identities/${OWN_IDENTITY}/history`,
    );
    expect(history.items[0]?.events).toContain('joiner');
    const access = await get<{ at: string; items: unknown[] }>(
      `/api/v1/identities/${OWN_IDENTITY}/access?at=2026-11-26T09:00:00Z`,
    );
    expect(access.at).toBe('2026-11-26T09:00:00.000Z');
    expect(access.items.length).toBeGreaterThan(0);
    const missing = await t.app.inject({
      url: '/api/v1/identities/E9999',
      headers: t.bearer('admin'),
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('identity.not_found');
  });

  it('applications and entitlements come from tenure.yaml, without connector settings', async () => {
    const apps = await get<{ items: { id: string }[] }>(
      '/api/v1/applications',
      'requester' as 'admin',
    );
    expect(apps.items.map((a) => a.id)).toEqual([
      'directory',
      'github',
      'crm',
      'finance-erp',
      'payroll',
    ]);
    expect(JSON.stringify(apps)).not.toContain('out/directory.csv');
    const github = await get<{ items: { id: string; privileged: boolean }[] }>(
      '/api/v1/entitlements?app=github&privileged=true',
    );
    expect(github.items.map((e) => e.id)).toEqual(['org-admin']);
    expect(
      (await t.app.inject({ url: '/api/v1/applications/nope', headers: t.bearer('admin') }))
        .statusCode,
    ).toBe(404);
  });

  it('accounts and grants: paged, filtered, equal to the store', async () => {
    const store = t.tw.ws.store;
    const { items } = await all<{ app_id: string; account_id: string }>(
      '/api/v1/accounts?limit=150',
    );
    expect(items).toHaveLength((await store.accounts.all()).length);
    const directory = await all<{ app_id: string }>('/api/v1/accounts?app=directory&limit=100');
    expect(directory.items).toHaveLength((await store.accounts.all('directory')).length);
    const mine = await get<Page<{ identity_id: string }>>(
      `/api/v1/accounts?identity=${OWN_IDENTITY}`,
    );
    expect(mine.items).toEqual(await store.accounts.forIdentity(OWN_IDENTITY));

    await store.grants.add(
      {
        identity_id: OWN_IDENTITY,
        app_id: 'github',
        entitlement_id: 'org-admin',
        reason: 'manual',
        expires_at: null,
      },
      'admin:test',
      '2026-11-26T09:00:00Z',
    );
    const grants = await get<Page<{ entitlement_id: string }>>(
      `/api/v1/grants?identity=${OWN_IDENTITY}`,
    );
    expect(grants.items.map((g) => g.entitlement_id)).toEqual(['org-admin']);
    expect((await get<Page<unknown>>('/api/v1/grants?identity=E1002')).items).toEqual([]);
  });

  it('runs: plan changes nothing; apply is held by the gate; only an admin approves; one run at a time', async () => {
    const store = t.tw.ws.store;
    await importSource(t.tw.ws, { file: 'hr/employees-next.csv' });
    const runsBefore = (await store.runs.list()).length;
    const post = (url: string, role: 'admin' | 'operator', payload: object = {}) =>
      t.app.inject({ method: 'POST', url, headers: t.bearer(role), payload });

    const plan = await post('/api/v1/runs/plan', 'operator');
    expect(plan.statusCode, plan.body).toBe(200);
    expect(plan.json().operations_total).toBeGreaterThan(0);
    expect(plan.json().safety_gate.held).toBe(true);
    expect((await store.runs.list()).length).toBe(runsBefore);

    const scoped = await post('/api/v1/runs/plan', 'operator', { identity_ids: [OWN_IDENTITY] });
    expect(
      scoped
        .json()
        .operations.every((o: { identity_id: string }) => o.identity_id === OWN_IDENTITY),
    ).toBe(true);

    // One run at a time per process: while a run holds the lock, another apply is a 409.
    let release!: () => void;
    const holding = t.app.services.exclusive('run', () => new Promise<void>((r) => (release = r)));
    const busy = await post('/api/v1/runs', 'operator');
    expect(busy.statusCode).toBe(409);
    expect(busy.json().code).toBe('run.in_progress');
    release();
    await holding;

    const res = await post('/api/v1/runs', 'operator');
    expect(res.statusCode, res.body).toBe(200);
    const applied = res.json();
    expect(applied).toMatchObject({ status: 'held', execution: null });
    const runId = applied.run_id as string;

    const detail = await get<{
      run: { status: string; actor: string };
      operations: Record<string, number>;
    }>(`/api/v1/runs/${runId}`);
    expect(detail.run).toMatchObject({ status: 'held', actor: 'token:operator-token' });
    const ops = await all<{ seq: number }>(`/api/v1/runs/${runId}/operations?limit=100`);
    expect(ops.items).toHaveLength(detail.operations.queued!);

    const byOperator = await post(`/api/v1/runs/${runId}/approve`, 'operator');
    expect(byOperator.statusCode).toBe(403);
    const approved = await post(`/api/v1/runs/${runId}/approve`, 'admin');
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().execution.failure).toBe(0);
    const again = await post(`/api/v1/runs/${runId}/approve`, 'admin');
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('run.not_held');
    const events = (await t.auditActions()).filter((e) => e.action === 'run.approved');
    expect(events.at(-1)?.actor).toBe('token:admin-token');
    const runs = await get<{ items: { id: string; status: string }[] }>('/api/v1/runs?limit=5');
    expect(runs.items.find((r) => r.id === runId)?.status).toBe('done');
  });

  it('tasks: paged list; an operator closes one with evidence through the engine', async () => {
    const open = await all<{ id: number; status: string }>('/api/v1/tasks?limit=40');
    expect(open.items.length).toBeGreaterThan(0);
    expect(open.items.every((x) => x.status === 'open')).toBe(true);
    const id = open.items[0]!.id;
    const close = (evidence: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/tasks/${id}/close`,
        headers: t.bearer('operator'),
        payload: { evidence },
      });
    expect((await close('   ')).statusCode).toBe(400);
    const closed = await close('Done in payroll, ticket PAY-1');
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ status: 'closed', closed_by: 'token:operator-token' });
    const twice = await close('again');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('task.already_closed');
    expect((await get<{ status: string }>(`/api/v1/tasks/${id}`)).status).toBe('closed');
    expect(
      (await t.app.inject({ url: '/api/v1/tasks/abc', headers: t.bearer('admin') })).statusCode,
    ).toBe(400);
  });

  it("tasks: the holder's name and the app's assignee on each; POST /tasks/close closes several, listing those it could not", async () => {
    type Task = { id: number; identity_id: string | null; identity_name: string | null };
    const open = (await all<Task & { assignee: string | null }>('/api/v1/tasks?limit=500')).items;
    const first = open[0]!;
    const person = await get<{
      identity: { attributes: { first_name: string; last_name: string } };
    }>(`/api/v1/identities/${first.identity_id}`);
    expect(first.identity_name).toContain(person.identity.attributes.last_name);
    expect((await get<Task>(`/api/v1/tasks/${first.id}`)).identity_name).toBe(first.identity_name);
    expect(open.every((x) => x.assignee === 'payroll-team')).toBe(true);

    const closeMany = (
      payload: Record<string, unknown>,
      role: 'operator' | 'auditor' = 'operator',
    ) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/tasks/close',
        headers: t.bearer(role),
        payload,
      });
    const [a, b] = open.slice(-2);
    const res = await closeMany({ ids: [a!.id, b!.id, 999999], evidence: 'PAY-9, both done' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.closed.map((x: Task) => x.id)).toEqual([a!.id, b!.id]);
    expect(body.closed[0]).toMatchObject({ status: 'closed', evidence: 'PAY-9, both done' });
    expect(body.failed).toEqual([
      { id: 999999, code: 'task.not_found', message: 'no task #999999' },
    ]);
    const again = (await closeMany({ ids: [a!.id], evidence: 'x' })).json();
    expect(again).toMatchObject({
      closed: [],
      failed: [{ id: a!.id, code: 'task.already_closed' }],
    });
    const audited = (await t.auditActions()).filter((e) => e.action === 'manual.task.closed');
    expect(audited.length).toBeGreaterThanOrEqual(2);

    // Every open task of one identity, matched ignoring case.
    const holder = open.find((x) => x.id !== a!.id && x.id !== b!.id)!.identity_id!;
    const theirs = open.filter((x) => x.identity_id === holder && x.id !== a!.id && x.id !== b!.id);
    const byIdentity = await closeMany({ identity: holder.toLowerCase(), evidence: 'offboarded' });
    expect(byIdentity.statusCode, byIdentity.body).toBe(200);
    expect(byIdentity.json().closed.map((x: Task) => x.id)).toEqual(theirs.map((x) => x.id));
    expect((await closeMany({ identity: holder, evidence: 'x' })).json().code).toBe(
      'task.not_found',
    );

    expect((await closeMany({ evidence: 'x' })).statusCode).toBe(400);
    expect((await closeMany({ ids: [1], identity: holder, evidence: 'x' })).statusCode).toBe(400);
    expect((await closeMany({ ids: [1], evidence: '  ' })).statusCode).toBe(400);
    expect((await closeMany({ ids: [1], evidence: 'x' }, 'auditor')).statusCode).toBe(403);
  });

  it('audit: filtered, paged events; a verifiable JSONL export (audited); verify', async () => {
    const target = `identity:${OWN_IDENTITY}`;
    const mine = await all<{ target: string; seq: number }>(
      `/api/v1/audit/events?target=${encodeURIComponent(target)}&limit=1`,
    );
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((e) => e.target === target)).toBe(true);
    const seqs = mine.items.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    const logins = await get<Page<{ action: string }>>(
      '/api/v1/audit/events?action=run.approved',
      'auditor' as 'admin',
    );
    expect(logins.items.every((e) => e.action === 'run.approved')).toBe(true);

    const exported = await t.app.inject({
      url: '/api/v1/audit/export?format=jsonl',
      headers: t.bearer('auditor'),
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/ndjson/);
    const lines = exported.body.trimEnd().split('\n');
    expect(JSON.parse(lines[0]!).type).toBe('tenure.audit.export');
    const key = readFileSync(join(t.tw.ws.stateDir, PUBLIC_KEY_FILE), 'utf8');
    expect(verifyExport(lines, key)).toMatchObject({ ok: true });
    // audit.exported is appended once the stream ends, after the response: wait for it (bounded),
    // not for a fixed delay a loaded machine can overrun.
    let last: Awaited<ReturnType<typeof t.auditActions>>[number] | undefined;
    for (let i = 0; i < 200 && last?.action !== 'audit.exported'; i++) {
      last = (await t.auditActions()).at(-1);
      if (last?.action !== 'audit.exported') await new Promise((r) => setTimeout(r, 25));
    }
    expect(last).toMatchObject({ action: 'audit.exported', actor: 'token:auditor-token' });

    const verify = await get<{ ok: boolean; events: number }>(
      '/api/v1/audit/verify',
      'auditor' as 'admin',
    );
    expect(verify).toMatchObject({ ok: true, signatures: 'verified' });
    expect(verify.events).toBe((await t.tw.ws.store.audit.head()).seq);

    // Without the public key file the answer says so, instead of a bare ok.
    const keyFile = join(t.tw.ws.stateDir, PUBLIC_KEY_FILE);
    renameSync(keyFile, `${keyFile}.away`);
    try {
      expect(await get('/api/v1/audit/verify', 'auditor' as 'admin')).toMatchObject({
        ok: true,
        signatures: 'not_checked',
        signatures_reason: `public key ${keyFile} not found`,
      });
    } finally {
      renameSync(`${keyFile}.away`, keyFile);
    }
  });

  it('me/access: a requester sees their own identity and accounts', async () => {
    const s = await t.login('requester-user');
    const res = await t.app.inject({ url: '/api/v1/me/access', headers: { cookie: s.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json().identity.id).toBe(OWN_IDENTITY);
    expect(res.json().accounts).toEqual(await t.tw.ws.store.accounts.forIdentity(OWN_IDENTITY));
    const token = await get<{ identity: null }>('/api/v1/me/access', 'requester' as 'admin');
    expect(token).toEqual({ identity: null, accounts: [], grants: [] });
  });

  it('operations: healthz, readyz, schedules from the scheduler, Prometheus metrics', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    expect(await get('/api/v1/schedules', 'auditor' as 'admin')).toEqual({
      enabled: true,
      status: { leader: true, calls: status.calls },
    });
    const metrics = await t.app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = metrics.body;
    for (const line of [
      /^tenure_runs\{status="done"\} \d+$/m,
      /^tenure_operations\{outcome="success"\} \d+$/m,
      /^tenure_queue_depth \d+$/m,
      /^tenure_oldest_pending_operation_age_seconds [\d.]+$/m,
      /^tenure_manual_tasks_open \d+$/m,
      /^tenure_agents_online 0$/m,
      /^tenure_http_requests_total\{method="GET",route="\/api\/v1\/identities",status="200"\} \d+$/m,
      /^tenure_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} \d+$/m,
    ])
      expect(text).toMatch(line);
    const oidc = await t.app.inject({ url: '/api/v1/auth/oidc/login' });
    expect(oidc.statusCode).toBe(404);
    expect(oidc.json().code).toBe('auth.oidc_not_configured');
    t.app.services.state.closing = true;
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(503);
    t.app.services.state.closing = false;
  });
});
