/**
 * Saved plans over HTTP: POST /runs/plan returns a plan id, POST /runs { plan_id } applies exactly
 * that plan (held by the safety gate as any run), refused 409 plan.stale once HR moved on and
 * 404 plan.not_found once expired.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSource } from '../../src/engine/sync/import-source.js';
import { testDialects } from '../support/databases.js';
import { auditEvents, DEMO_DIR } from '../support/workspace.js';
import { makeTestApp, type TestApp } from './support.js';

/** The demo config with a gate that holds any deprovisioning: the next snapshot's leavers trip it. */
const YAML = readFileSync(join(DEMO_DIR, 'tenure.yaml'), 'utf8')
  .replace(/max_deprovision_share: [\d.]+/, 'max_deprovision_share: 0')
  .replace(/min_deprovision_count: \d+/, 'min_deprovision_count: 1');

describe.each(testDialects())('saved plans over HTTP (%s)', (dialect) => {
  let t: TestApp;
  const post = (url: string, role: 'admin' | 'operator', payload: object = {}) =>
    t.app.inject({ method: 'POST', url, headers: t.bearer(role), payload });
  const plan = async () => {
    const res = await post('/api/v1/runs/plan', 'operator');
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{
      plan_id: string;
      plan_expires_at: string;
      operations_total: number;
      operations: { key: string }[];
    }>();
  };
  const runCount = async () => (await t.tw.ws.store.runs.list()).length;

  beforeAll(async () => {
    t = await makeTestApp(dialect, { yaml: YAML });
    await importSource(t.tw.ws, { file: 'hr/employees-next.csv' });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('a plan id whose HR snapshot moved on is refused 409 plan.stale, applying nothing', async () => {
    const { plan_id } = await plan();
    const before = await runCount();
    await importSource(t.tw.ws, { file: 'hr/employees-next.csv' });
    const res = await post('/api/v1/runs', 'operator', { plan_id });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      code: 'plan.stale',
      detail: expect.stringMatching(/source hr: snapshot \d+ when planned, now \d+/),
    });
    expect(await runCount()).toBe(before);
  });

  it('plan_id does not combine with dry_run or identity_ids (400)', async () => {
    const { plan_id } = await plan();
    const res = await post('/api/v1/runs', 'operator', { plan_id, dry_run: true });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('run.saved_plan_options');
  });

  it('an unknown plan id is 404 plan.not_found', async () => {
    const res = await post('/api/v1/runs', 'operator', { plan_id: 'plan_nope' });
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().code).toBe('plan.not_found');
  });

  it('a plan id expires an hour after planning', async () => {
    const { plan_id, plan_expires_at } = await plan();
    const now = t.tw.ws.clock().toISOString();
    expect(Date.parse(plan_expires_at) - Date.parse(now)).toBe(3_600_000);
    t.tw.setNow(plan_expires_at);
    try {
      const res = await post('/api/v1/runs', 'operator', { plan_id });
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().code).toBe('plan.not_found');
    } finally {
      t.tw.setNow(now);
    }
  });

  it('a plan id applies exactly that plan: held by the safety gate, then approved', async () => {
    const planned = await plan();
    expect(planned.operations_total).toBeGreaterThan(0);
    const res = await post('/api/v1/runs', 'operator', { plan_id: planned.plan_id });
    expect(res.statusCode, res.body).toBe(200);
    const applied = res.json();
    expect(applied).toMatchObject({ status: 'held', operations: planned.operations_total });
    const held = await t.tw.ws.store.runs.operations(applied.run_id);
    expect(held.map((o) => o.op.key)).toEqual(planned.operations.map((o) => o.key));
    const audit = await auditEvents(t.tw.ws);
    const heldEvent = audit.find(
      (e) => e.action === 'run.held' && e.target === `run:${applied.run_id}`,
    );
    expect(JSON.parse(String(heldEvent?.details))).toMatchObject({
      saved_plan: { fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });

    const approved = await post(`/api/v1/runs/${applied.run_id}/approve`, 'admin');
    expect(approved.statusCode, approved.body).toBe(200);
    const after = await plan();
    expect(after.operations_total).toBe(0);
  });
});
