/**
 * BambooHR through the engine on both store dialects: full and delta imports (watermark kept per
 * source), every HR state as its lifecycle event, and the vendor webhook end to end — verified,
 * the person re-read, a run for that person alone; refusals audited, nothing changed.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRun } from '../../src/engine/runs/runs.js';
import { createScheduler, type Scheduler } from '../../src/engine/scheduler/index.js';
import { importSource } from '../../src/engine/sync/import-source.js';
import { type BuiltApp, buildApp } from '../../src/http/app.js';
import { bambooSignature } from '../../src/sources/bamboohr/webhook.js';
import { waitFor } from '../http/webhook-support.js';
import { testDialects } from '../support/databases.js';
import { type FakeBamboo, startFakeBamboo } from '../support/fake-bamboohr.js';
import { fixturePath } from '../support/fake-http.js';
import { silentLog } from '../support/hr-sources.js';
import { eventLines, hrSystemWorkspace } from '../support/hr-workspace.js';
import { auditEvents, type TestWorkspace } from '../support/workspace.js';

const KEY_ENV = 'TENURE_TEST_BAMBOO_KEY';
const HOOK_ENV = 'TENURE_TEST_BAMBOO_HOOK';
const KEY = 'bamboo-webhook-private-key';
const DAY1 = '2026-11-26T09:00:00.000Z';
const DAY2 = '2026-11-27T09:00:00.000Z';
const URL_EVENTS = '/api/v1/sources/bamboo/events';

describe.each(testDialects())('BambooHR source through the engine on %s', (dialect) => {
  let fake: FakeBamboo;
  let tw: TestWorkspace;
  const now = () => tw.ws.clock();
  const actor = 'admin:test';

  beforeAll(async () => {
    process.env[KEY_ENV] = 'bamboo-test-key';
    process.env[HOOK_ENV] = KEY;
    fake = await startFakeBamboo({ apiKey: 'bamboo-test-key', now: () => now() });
    tw = await hrSystemWorkspace(
      dialect,
      `{ id: bamboo, type: bamboohr, company_domain: acme, base_url: "${fake.url}", api_key: "\${env:${KEY_ENV}}", webhook: { secret: "\${env:${HOOK_ENV}}" }, http: { timeout_seconds: 5, max_retries: 1, max_retry_wait_seconds: 2 } }`,
      DAY1,
    );
  });
  afterAll(async () => {
    await tw?.cleanup();
    await fake?.stop();
  });

  it('the first --changed has no watermark: it reads everyone and keeps one', async () => {
    const s = await importSource(tw.ws, { sourceId: 'bamboo', changed: true });
    expect(s.file).toBe(`bamboohr ${fake.url}`);
    expect(s.delta).toEqual({
      since: null,
      watermark: '2026-11-26T08:55:00.000Z',
      changed: 0,
      not_found: [],
    });
    expect(eventLines(s.changes)).toEqual([
      'E100 joiner',
      'E101 joiner',
      'E102 joiner',
      'E103 joiner',
      'E103 leave_start',
      'E105 prehire',
      'E106 joiner',
      'E107 joiner',
      'E107 scheduled_leaver',
    ]);
    expect((await tw.ws.store.identities.get('E104'))?.status).toBe('terminated');
    expect((await tw.ws.store.identities.get('E105'))?.status).toBe('pre-hire');
    expect((await tw.ws.store.sourceState.get('bamboo'))?.watermark).toBe(
      '2026-11-26T08:55:00.000Z',
    );
    const applied = await applyRun(tw.ws, { actor, trigger: 'test:day1' });
    expect(applied.status).toBe('done');
  });

  it('day 2, --changed: leave, conversion, return, rehire, retroactive and future-dated terminations', async () => {
    tw.setNow(DAY2);
    const at = new Date('2026-11-27T08:00:00Z');
    fake.update('2', { employmentHistoryStatus: 'Leave of Absence' }, at); // E101
    fake.update('3', { employmentHistoryStatus: 'Full-Time', jobTitle: 'Developer' }, at); // E102
    fake.update('4', { employmentHistoryStatus: 'Full-Time' }, at); // E103
    fake.update(
      '5',
      { employmentHistoryStatus: 'Full-Time', status: 'Active', rehireDate: '2026-11-23' },
      at,
    ); // E104
    fake.update(
      '1',
      { employmentHistoryStatus: 'Terminated', status: 'Inactive', terminationDate: '2026-11-20' },
      at,
    ); // E100, entered after the fact
    fake.setAhead(
      '7',
      { employmentHistoryStatus: 'Terminated', terminationDate: '2027-01-15' },
      at,
    ); // E106

    const s = await importSource(tw.ws, { sourceId: 'bamboo', changed: true });
    expect(eventLines(s.changes)).toEqual([
      'E100 leaver',
      'E101 leave_start',
      'E102 mover[title,employment_type]',
      'E103 leave_end',
      'E104 attributes_changed[start_date,end_date]',
      'E104 rehire',
      'E106 scheduled_leaver',
    ]);
    expect(s.changes.find((c) => c.identity === 'E100')!.events[0]).toEqual({
      kind: 'leaver',
      reason: 'terminated',
    });
    expect(s.rows).toBe(6);
    expect(s.delta).toEqual({
      since: '2026-11-26T08:55:00.000Z',
      watermark: '2026-11-27T09:00:00+00:00',
      changed: 6,
      not_found: [],
    });
    const asked = fake.requests.filter((r) => r.path === '/api/v1/employees/changed');
    expect(asked.at(-1)!.query.get('since')).toBe('2026-11-26T08:55:00.000Z');
    expect((await tw.ws.store.sourceState.get('bamboo'))?.watermark).toBe(
      '2026-11-27T09:00:00+00:00',
    );
    // A delta is partial: nobody it did not name is flagged missing.
    expect((await tw.ws.store.identities.all()).filter((i) => i.missing_from_source)).toEqual([]);
    const e106 = await tw.ws.store.identities.get('E106');
    expect(e106).toMatchObject({ status: 'active', attributes: { end_date: '2027-01-15' } });
  });

  it('a delta that finds nobody keeps only the new watermark', async () => {
    tw.setNow('2026-11-27T09:10:00.000Z');
    const s = await importSource(tw.ws, { sourceId: 'bamboo', changed: true });
    expect(s).toMatchObject({ snapshot_id: 0, rows: 0, changes: [] });
    // The vendor's "+00:00" went back as %2B, so BambooHR read it as an offset.
    const asked = fake.requests.filter((r) => r.path === '/api/v1/employees/changed');
    expect(asked.at(-1)!.query.get('since')).toBe('2026-11-27T09:00:00+00:00');
    expect(s.delta!.watermark).toBe('2026-11-27T09:10:00+00:00');
  });

  it('a full import afterwards finds nothing new; deltas are never the drop baseline', async () => {
    const s = await importSource(tw.ws, { sourceId: 'bamboo' });
    expect(s.changes).toEqual([]);
    expect(s.unchanged).toBe(8);
    expect((await tw.ws.store.snapshots.last('bamboo', 'imported'))?.row_count).toBe(8);
    expect((await tw.ws.store.snapshots.last('bamboo'))?.status).toBe('imported');
  });

  it('--changed on a source without a delta API is refused, naming the way out', async () => {
    await expect(importSource(tw.ws, { sourceId: 'bamboo', file: 'x.csv' })).rejects.toMatchObject({
      code: 'source.no_file',
    });
  });

  describe('webhook', () => {
    let app: BuiltApp;
    let scheduler: Scheduler;
    const body = readFileSync(fixturePath('bamboohr', 'webhook-employee-updated.json'));
    const signed = (raw: Buffer, opts: { at?: Date; key?: string } = {}) => {
      const t = String(Math.floor((opts.at ?? now()).getTime() / 1000));
      return {
        payload: raw,
        headers: {
          'content-type': 'application/json',
          'x-bamboohr-signature': bambooSignature(raw, t, opts.key ?? KEY),
          'x-bamboohr-timestamp': t,
        },
      };
    };
    const state = async () => ({
      identities: JSON.stringify(await tw.ws.store.identities.all()),
      jobs: (await tw.ws.store.jobs.list({ limit: 1000 })).length,
      runs: (await tw.ws.store.runs.list(1000)).length,
    });

    beforeAll(async () => {
      await applyRun(tw.ws, { actor, trigger: 'test:day2' });
      scheduler = createScheduler({
        ws: tw.ws,
        owner: 'test-replica',
        log: silentLog,
        intervals: { tickMs: 200, pollMs: 200, leaseMs: 10_000, graceMs: 10_000 },
      });
      await scheduler.start();
      app = await buildApp({ ws: tw.ws, log: silentLog, scheduler });
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      await scheduler?.stop();
    });

    it('re-reads the person named and runs for that person alone', async () => {
      const before = await tw.ws.store.accounts.all();
      fake.update('2', { department: 'Sales', jobTitle: 'Account Executive' }, now());
      const res = await app.inject({ method: 'POST', url: URL_EVENTS, ...signed(body) });
      expect(res.statusCode).toBe(202);
      const out = res.json();
      expect(out).toMatchObject({
        source_id: 'bamboo',
        type: 'employee.updated',
        people: [{ identity_id: 'E101', events: ['mover'], deduped: false }],
        rejected: [],
        not_found: [],
      });
      const job = await waitFor('the run job', async () => {
        const j = await tw.ws.store.jobs.get(out.people[0].job_id);
        return j?.status === 'done' ? j : undefined;
      });
      const run = await tw.ws.store.runs.get(job.result!.run_id as string);
      expect(run).toMatchObject({ trigger: 'hr:bamboo:webhook', actor: 'system', status: 'done' });
      const ops = await tw.ws.store.runs.operations(run!.id);
      expect(new Set(ops.map((o) => o.op.identity_id))).toEqual(new Set(['E101']));
      expect(ops.map((o) => `${o.op.kind} ${o.op.entitlement ?? ''}`).sort()).toEqual([
        'entitlement.grant sales',
        'entitlement.revoke eng',
      ]);
      const after = await tw.ws.store.accounts.all();
      const others = (l: typeof after) => JSON.stringify(l.filter((a) => a.identity_id !== 'E101'));
      expect(others(after)).toBe(others(before));
      const accepted = (await auditEvents(tw.ws)).filter((e) => e.action === 'webhook.accepted');
      expect(accepted.at(-1)).toMatchObject({
        actor: 'hr:bamboo:webhook',
        target: 'source:bamboo',
      });
      expect(JSON.parse(accepted.at(-1)!.details)).toMatchObject({
        type: 'employee.updated',
        vendor_ids: ['2'],
      });
    });

    it('quarantines a re-read record that does not validate, and changes nothing else', async () => {
      fake.update('3', { workEmail: 'not-an-email' }, now());
      const before = await tw.ws.store.identities.get('E102');
      const raw = Buffer.from(
        JSON.stringify({ type: 'employee.updated', data: { companyId: '1', employeeId: '3' } }),
      );
      const res = await app.inject({ method: 'POST', url: URL_EVENTS, ...signed(raw) });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({
        people: [],
        rejected: [
          {
            employee_id: 'E102',
            reason: 'BambooHR id 3: email "not-an-email" is not a plausible email address',
          },
        ],
      });
      expect(await tw.ws.store.identities.get('E102')).toEqual(before);
      const snap = await tw.ws.store.snapshots.last('bamboo', 'delta');
      expect(await tw.ws.store.snapshots.quarantined(snap!.id)).toMatchObject([
        { employee_id: 'E102', row_number: 1 },
      ]);
      fake.update('3', { workEmail: 'amira.haddad@acme.example' }, now());
    });

    it('answers a deleted employee with not_found and changes nobody', async () => {
      const raw = Buffer.from(
        JSON.stringify({ type: 'employee.deleted', data: { companyId: '1', employeeId: '999' } }),
      );
      const res = await app.inject({ method: 'POST', url: URL_EVENTS, ...signed(raw) });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ people: [], rejected: [], not_found: ['999'] });
    });

    type Delivery = { payload: Buffer; headers: Record<string, string> };
    const refusals: [string, () => Delivery, number, string][] = [
      ['forged (wrong key)', () => signed(body, { key: 'guess' }), 401, 'webhook.bad_signature'],
      [
        'unsigned',
        () => ({ payload: body, headers: { 'content-type': 'application/json' } }),
        401,
        'webhook.bad_signature',
      ],
      [
        'stale (10 minutes old)',
        () => signed(body, { at: new Date(now().getTime() - 600_000) }),
        401,
        'webhook.stale',
      ],
      [
        'malformed',
        () => signed(Buffer.from('{"type": "employee.updated"')),
        400,
        'webhook.invalid',
      ],
      [
        'whose person BambooHR cannot give back (503 twice)',
        () => {
          fake.failNext(
            (r) => r.path === '/api/v1/employees/4',
            { status: 503, headers: { 'retry-after': '0' } },
            { status: 503, headers: { 'retry-after': '0' } },
            { status: 503, headers: { 'retry-after': '0' } },
            { status: 503, headers: { 'retry-after': '0' } },
          );
          return signed(
            Buffer.from(JSON.stringify({ type: 'employee.updated', data: { employeeId: '4' } })),
          );
        },
        503,
        'webhook.source_unavailable',
      ],
    ];

    it.each(refusals)(
      'refuses a delivery %s: problem, audited, nothing changed',
      async (_w, make, status, code) => {
        const before = await state();
        // Anonymous refusals are counted per source, reason and minute: close the earlier
        // cases' buckets, so this one is the first of its bucket and appended at once.
        await tw.ws.store.audit.flushRefusals('9999-01-01T00:00:00.000Z');
        const head = await tw.ws.store.audit.head();
        const res = await app.inject({ method: 'POST', url: URL_EVENTS, ...make() });
        expect(res.statusCode).toBe(status);
        expect(res.json()).toMatchObject({ code });
        expect(await state()).toEqual(before);
        const added = (await auditEvents(tw.ws)).filter((e) => e.seq > head.seq);
        expect(added.map((e) => e.action)).toEqual(['webhook.refused']);
        expect(JSON.parse(added[0]!.details)).toMatchObject({ reason: code });
      },
    );

    it('refuses a replayed delivery: 409, audited, nothing changed', async () => {
      fake.update('8', { jobTitle: 'Senior Accountant' }, now());
      const raw = Buffer.from(
        JSON.stringify({ type: 'employee.updated', data: { employeeId: '8' } }),
      );
      const first = signed(raw);
      const accepted = await app.inject({ method: 'POST', url: URL_EVENTS, ...first });
      expect(accepted.statusCode).toBe(202);
      await waitFor('the run', async () => {
        const j = await tw.ws.store.jobs.get(accepted.json().people[0].job_id);
        return j?.status === 'done';
      });
      const before = await state();
      const head = await tw.ws.store.audit.head();
      const again = await app.inject({ method: 'POST', url: URL_EVENTS, ...first });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'webhook.replay' });
      expect(await state()).toEqual(before);
      const added = (await auditEvents(tw.ws)).filter((e) => e.seq > head.seq);
      expect(added.map((e) => e.action)).toEqual(['webhook.refused']);
    });
  });
});
