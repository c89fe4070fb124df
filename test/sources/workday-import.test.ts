/**
 * Workday through the engine on both store dialects: the report's states as lifecycle events,
 * matched on WorkerID across a rehire and a conversion (new WIDs); a malformed report changes
 * nothing; a signed change notice re-reads one worker and queues a run for them alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSource } from '../../src/engine/sync/import-source.js';
import { type BuiltApp, buildApp } from '../../src/http/app.js';
import { signatureHeader } from '../../src/sources/common/tenure-signature.js';
import { testDialects } from '../support/databases.js';
import { type FakeWorkday, REPORT_PATH, startFakeWorkday } from '../support/fake-workday.js';
import { silentLog } from '../support/hr-sources.js';
import { eventLines, hrSystemWorkspace } from '../support/hr-workspace.js';
import { auditEvents, type TestWorkspace } from '../support/workspace.js';

const PASSWORD_ENV = 'TENURE_TEST_WORKDAY_PASSWORD';
const HOOK_ENV = 'TENURE_TEST_WORKDAY_HOOK';
const SECRET = 'workday-notice-secret';

describe.each(testDialects())('Workday source through the engine on %s', (dialect) => {
  let fake: FakeWorkday;
  let tw: TestWorkspace;
  let app: BuiltApp;
  const entry = (wid: string) => fake.entries.find((e) => e.WID === wid)!;

  beforeAll(async () => {
    process.env[PASSWORD_ENV] = 'isu-password';
    process.env[HOOK_ENV] = SECRET;
    fake = await startFakeWorkday({ user: 'ISU_Tenure@acme', password: 'isu-password' });
    tw = await hrSystemWorkspace(
      dialect,
      `{ id: wd, type: workday, report_url: "${fake.url}${REPORT_PATH}", username: ISU_Tenure@acme, password: "\${env:${PASSWORD_ENV}}", worker_prompt: Worker_ID, webhook: { secret: "\${env:${HOOK_ENV}}" }, http: { timeout_seconds: 5, max_retries: 1, max_retry_wait_seconds: 2 } }`,
      '2026-11-26T17:00:00.000Z',
    );
    app = await buildApp({ ws: tw.ws, log: silentLog });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await tw?.cleanup();
    await fake?.stop();
  });

  it('imports one identity per WorkerID, each state as its lifecycle event', async () => {
    const s = await importSource(tw.ws, { sourceId: 'wd' });
    expect(eventLines(s.changes)).toEqual([
      '21001 joiner',
      '21002 joiner',
      '21003 joiner',
      '21004 joiner',
      '21005 prehire',
      '21007 joiner',
      '21007 scheduled_leaver',
      '21008 joiner',
      '21008 leave_start',
    ]);
    expect(s.warnings).toHaveLength(1); // 21003's earlier WID, superseded
    const warned = (await auditEvents(tw.ws)).filter((e) => e.action === 'hr.record.warning');
    expect(warned.map((e) => e.target)).toEqual(['identity:21003']);
  });

  it('a malformed report is refused whole and changes nothing', async () => {
    const before = JSON.stringify(await tw.ws.store.identities.all());
    const snapshot = await tw.ws.store.snapshots.last('wd');
    fake.reportOverride = { status: 200, body: '{"Report_Entry": [' };
    try {
      await expect(importSource(tw.ws, { sourceId: 'wd' })).rejects.toMatchObject({
        code: 'hr.vendor_response',
      });
    } finally {
      fake.reportOverride = undefined;
    }
    expect(JSON.stringify(await tw.ws.store.identities.all())).toBe(before);
    expect(await tw.ws.store.snapshots.last('wd')).toEqual(snapshot);
  });

  it('a conversion and a rehire (new WIDs, same WorkerID), a return from leave', async () => {
    tw.setNow('2026-11-30T17:00:00.000Z');
    // 21004 converts from contingent worker to employee: the old record ends, a new WID starts.
    Object.assign(entry('5d4c3b2a19084f7e6d5c4b3a29180f7e'), {
      Active: '0',
      Termination_Date: '2026-11-29',
    });
    fake.entries.push({
      ...entry('5d4c3b2a19084f7e6d5c4b3a29180f7e'),
      WID: 'c0ffee00c0ffee00c0ffee00c0ffee00',
      Worker_Type: 'Employee',
      Business_Title: 'Software Engineer',
      Active: '1',
      Hire_Date: '2026-11-30',
      Termination_Date: undefined,
    });
    // 21006 (terminated in September) is rehired under a new WID.
    fake.entries.push({
      ...entry('8a7b6c5d4e3f4a2b1c0d9e8f7a6b5c4d'),
      WID: 'deadbeefdeadbeefdeadbeefdeadbeef',
      Active: '1',
      Hire_Date: '2026-11-30',
      Termination_Date: undefined,
      Termination_Last_Day_of_Work: undefined,
    });
    Object.assign(entry('6e5d4c3b2a1948f7e6d5c4b3a2918f7e'), { On_Leave: '0' });
    const s = await importSource(tw.ws, { sourceId: 'wd' });
    expect(eventLines(s.changes)).toEqual([
      '21004 attributes_changed[start_date]',
      '21004 mover[title,employment_type]',
      '21006 attributes_changed[start_date,end_date]',
      '21006 rehire',
      '21008 leave_end',
    ]);
    expect((await tw.ws.store.identities.all()).map((i) => i.id).sort()).toEqual([
      '21001',
      '21002',
      '21003',
      '21004',
      '21005',
      '21006',
      '21007',
      '21008',
    ]);
  });

  it('a signed change notice re-reads that worker (Worker_ID prompt) and queues their run', async () => {
    Object.assign(entry('0e44c92b2a5a4b1f9d4f6b0a8c1d2e3f'), { Supervisory_Organization: 'Sales' });
    const body = '{"employee_id":"21002","event_id":"bp-8812"}';
    const calls = fake.requests.length;
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/sources/wd/events',
      payload: body,
      headers: {
        'content-type': 'application/json',
        'x-tenure-signature': signatureHeader(body, SECRET, tw.ws.clock().getTime() / 1000),
      },
    });
    expect(res.statusCode).toBe(202);
    const out = res.json();
    expect(out).toMatchObject({
      type: 'worker.changed',
      people: [{ identity_id: '21002', events: ['mover'] }],
    });
    expect(fake.requests.slice(calls).map((r) => r.query.get('Worker_ID'))).toEqual(['21002']);
    const job = await tw.ws.store.jobs.get(out.people[0].job_id);
    expect(job).toMatchObject({ payload: { identity_id: '21002', source_id: 'wd' } });
  });
});
