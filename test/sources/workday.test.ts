/**
 * The Workday source against a fake RaaS endpoint (test/support/fake-workday.ts, fixture
 * test/fixtures/workday/report.json): WorkerID matching across rehires, future hires, terminations
 * known ahead, configurable field paths, Retry-After as an HTTP-date, malformed and partial
 * answers, signed change notices, the Worker_ID prompt.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signatureHeader } from '../../src/sources/common/tenure-signature.js';
import { workdaySource } from '../../src/sources/workday/index.js';
import { type FakeWorkday, REPORT_PATH, startFakeWorkday } from '../support/fake-workday.js';
import { makeSource, refusal } from '../support/hr-sources.js';

const PASSWORD_ENV = 'TENURE_TEST_WORKDAY_PASSWORD';
const HOOK_ENV = 'TENURE_TEST_WORKDAY_HOOK';
const NOW = new Date('2026-11-26T09:00:00Z');

describe('Workday source', () => {
  let fake: FakeWorkday;
  const settings = (over: Record<string, unknown> = {}) => ({
    id: 'wd',
    type: 'workday',
    report_url: `${fake.url}${REPORT_PATH}`,
    username: 'ISU_Tenure@acme',
    password: `\${env:${PASSWORD_ENV}}`,
    prompts: { Include_Terminated: '1' },
    webhook: { secret: `\${env:${HOOK_ENV}}` },
    http: { timeout_seconds: 5, max_retries: 2, max_retry_wait_seconds: 5 },
    ...over,
  });
  const source = (over: Record<string, unknown> = {}) =>
    makeSource(workdaySource, settings(over), { now: NOW, timeZone: 'America/Los_Angeles' });
  let original: Record<string, unknown>[];

  beforeAll(async () => {
    process.env[PASSWORD_ENV] = 'isu-password';
    process.env[HOOK_ENV] = 'workday-notice-secret';
    fake = await startFakeWorkday({ user: 'ISU_Tenure@acme', password: 'isu-password' });
    original = fake.entries.map((e) => ({ ...e }));
  });
  afterAll(() => fake?.stop());
  afterEach(() => {
    fake.requests.length = 0;
    fake.reportOverride = undefined;
    fake.entries = original.map((e) => ({ ...e }));
  });

  it('reads the report: one person per WorkerID, each state mapped', async () => {
    const read = await source().snapshot();
    expect(read.rejected).toEqual([]);
    expect(read.rowCount).toBe(8);
    const by = new Map(read.records.map((r) => [r.record.employee_id, r.record]));
    expect(by.get('21002')).toEqual({
      employee_id: '21002',
      first_name: 'Diego',
      last_name: 'Ramos',
      preferred_name: 'Dee',
      email: 'diego.ramos@acme.example',
      department: 'Engineering',
      title: 'Software Engineer',
      manager_id: '21001',
      location: 'Toronto',
      employment_type: 'employee',
      status: 'active',
      start_date: '2022-01-10',
      end_date: null,
    });
    const state = (id: string) => {
      const r = by.get(id)!;
      return [r.status, r.employment_type, r.start_date, r.end_date];
    };
    // Rehired: the new WID's record, its hire date read through the offset.
    expect(state('21003')).toEqual(['active', 'employee', '2026-02-02', null]);
    expect(by.get('21003')!.title).toBe('Support Team Lead');
    expect(state('21004')).toEqual(['active', 'contractor', '2025-11-03', null]);
    expect(state('21005')).toEqual(['active', 'employee', '2026-12-14', null]); // future hire
    expect(state('21006')).toEqual(['terminated', 'employee', '2021-06-14', '2026-09-30']);
    expect(state('21007')).toEqual(['active', 'employee', '2020-09-01', '2026-12-04']); // lookahead
    expect(state('21008')).toEqual(['leave', 'employee', '2023-03-13', null]);
    expect(read.warnings).toEqual([
      {
        row: 3,
        employee_id: '21003',
        message:
          'Workday Worker_ID 21003 (WID 7c1f0e9d8b7a4c3d2e1f0a9b8c7d6e5f) is superseded by Workday Worker_ID 21003 (WID 9f8e7d6c5b4a49382716a5b4c3d2e1f0) (entry 4): same WorkerID after a rehire or conversion',
      },
    ]);
    expect(fake.requests).toHaveLength(1);
    expect(Object.fromEntries(fake.requests[0]!.query)).toEqual({
      Include_Terminated: '1',
      format: 'json',
    });
  });

  it('follows configured field paths into nested values', async () => {
    fake.entries = fake.entries.map((e) => ({
      ...e,
      Manager: e.Manager_Worker_ID ? [{ Worker_ID: e.Manager_Worker_ID, Descriptor: 'x' }] : [],
      Org: { Descriptor: `${e.Supervisory_Organization} (Supervisory)` },
    }));
    const read = await source({
      fields: { manager_id: 'Manager.Worker_ID', department: 'Org' },
    }).snapshot();
    const r = read.records.find((x) => x.record.employee_id === '21002')!.record;
    expect([r.manager_id, r.department]).toEqual(['21001', 'Engineering (Supervisory)']);
  });

  it('keeps a converted worker on the active record until the new one starts', async () => {
    fake.entries.push({
      ...fake.entries.find((e) => e.Worker_ID === '21004'),
      WID: 'c0ffee00c0ffee00c0ffee00c0ffee00',
      Worker_Type: 'Employee',
      Business_Title: 'Software Engineer',
      Active: '0',
      Hire_Date: '2026-12-01',
    });
    const before = await source().snapshot();
    expect(
      before.records.find((r) => r.record.employee_id === '21004')!.record.employment_type,
    ).toBe('contractor');
    const old = fake.entries.find(
      (e) => e.Worker_ID === '21004' && e.Worker_Type === 'Contingent Worker',
    )!;
    Object.assign(old, { Active: '0', Termination_Date: '2026-11-30' });
    Object.assign(fake.entries.at(-1)!, { Active: '1', Hire_Date: '2026-11-26' });
    const after = await source().snapshot();
    expect(after.records.find((r) => r.record.employee_id === '21004')!.record).toMatchObject({
      employment_type: 'employee',
      start_date: '2026-11-26',
      end_date: null,
    });
  });

  it('quarantines entries it cannot trust; refuses an answer that is not a report', async () => {
    delete fake.entries[1]!.Active;
    delete fake.entries[4]!.Worker_ID;
    const read = await source().snapshot();
    expect(read.rejected.map((r) => [r.row, r.reason])).toEqual([
      [
        2,
        'Workday Worker_ID 21002 (WID 0e44c92b2a5a4b1f9d4f6b0a8c1d2e3f): "Active" is missing: cannot tell whether the worker is active',
      ],
      [5, 'Workday entry 5: employee_id is required'],
    ]);
    expect(read.records).toHaveLength(6);
    fake.reportOverride = { status: 200, body: { Report_Data: [] } };
    await expect(source().snapshot()).rejects.toMatchObject({
      code: 'hr.vendor_response',
      message: expect.stringMatching(/expected an object with a "Report_Entry" array/),
    });
  });

  it('honours Retry-After given as an HTTP-date on 503', async () => {
    // The stopwatch starts before the date is taken: a pause between the two (load) cannot eat
    // into the bound. The date keeps whole seconds, so it lies at least 500 ms ahead.
    const t = performance.now();
    const at = new Date(Date.now() + 1500).toUTCString();
    fake.failNext(() => true, { status: 503, headers: { 'retry-after': at } });
    await source().snapshot();
    expect(performance.now() - t).toBeGreaterThanOrEqual(400);
    expect(fake.requests).toHaveLength(2);
  });

  it('never retries a 401, and names the ISU', async () => {
    process.env[PASSWORD_ENV] = 'stale';
    try {
      await expect(source().snapshot()).rejects.toMatchObject({
        code: 'hr.vendor_auth',
        message: expect.stringMatching(
          /Workday refused the integration system user "ISU_Tenure@acme" with 401/,
        ),
      });
      expect(fake.requests).toHaveLength(1);
    } finally {
      process.env[PASSWORD_ENV] = 'isu-password';
    }
  });

  it('re-reads one worker through the Worker_ID prompt, or filters the whole report without it', async () => {
    const one = await source({ worker_prompt: 'Worker_ID' }).fetchPeople!(['21003', '99999']);
    expect(one.records.map((r) => r.record.employee_id)).toEqual(['21003']);
    expect(one.notFound).toEqual(['99999']);
    expect(fake.requests.map((r) => r.query.get('Worker_ID'))).toEqual(['21003', '99999']);
    fake.requests.length = 0;
    const all = await source().fetchPeople!(['21008']);
    expect(all.records.map((r) => r.record.employee_id)).toEqual(['21008']);
    expect(fake.requests[0]!.query.get('Worker_ID')).toBeNull();
  });

  describe('change notices', () => {
    const secret = 'workday-notice-secret';
    const body = Buffer.from('{"employee_id":"21002","event_id":"bp-8812"}');
    const t = NOW.getTime() / 1000;
    const verify = (raw: Buffer, header: string | undefined) =>
      source().webhook!.verify(raw, header ? { 'x-tenure-signature': header } : {}, NOW);

    it('accepts a notice signed like the generic HR webhook', () => {
      expect(verify(body, signatureHeader(body, secret, t))).toMatchObject({
        employeeIds: ['21002'],
        type: 'worker.changed',
      });
    });

    it('refuses forged, stale and malformed notices', () => {
      expect(refusal(() => verify(body, signatureHeader(body, 'x', t))).code).toBe(
        'webhook.bad_signature',
      );
      expect(refusal(() => verify(body, undefined)).code).toBe('webhook.bad_signature');
      expect(refusal(() => verify(body, signatureHeader(body, secret, t - 400))).code).toBe(
        'webhook.stale',
      );
      const extra = Buffer.from('{"employee_id":"21002","record":{}}');
      expect(refusal(() => verify(extra, signatureHeader(extra, secret, t)))).toMatchObject({
        code: 'webhook.invalid',
        problems: ['unknown key "record"'],
      });
    });
  });
});
