/**
 * The BambooHR source against a fake BambooHR API (test/support/fake-bamboohr.ts, fixtures in
 * test/fixtures/bamboohr): full read with inactive people, states, partial records quarantined,
 * 429/503 with Retry-After, 401 never retried, malformed answers, delta ids, webhook signatures.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { bamboohrSource } from '../../src/sources/bamboohr/index.js';
import { bambooSignature } from '../../src/sources/bamboohr/webhook.js';
import { type FakeBamboo, startFakeBamboo } from '../support/fake-bamboohr.js';
import { fixture, fixturePath } from '../support/fake-http.js';
import { makeSource, refusal } from '../support/hr-sources.js';

const KEY_ENV = 'TENURE_TEST_BAMBOO_KEY';
const HOOK_ENV = 'TENURE_TEST_BAMBOO_HOOK';
const NOW = new Date('2026-11-26T09:00:00Z');

describe('BambooHR source', () => {
  let fake: FakeBamboo;
  const settings = (over: Record<string, unknown> = {}) => ({
    id: 'bamboo',
    type: 'bamboohr',
    company_domain: 'acme',
    base_url: fake.url,
    api_key: `\${env:${KEY_ENV}}`,
    webhook: { secret: `\${env:${HOOK_ENV}}` },
    http: { timeout_seconds: 5, max_retries: 2, max_retry_wait_seconds: 5 },
    ...over,
  });
  const source = (over: Record<string, unknown> = {}) =>
    makeSource(bamboohrSource, settings(over), { now: NOW });

  beforeAll(async () => {
    process.env[KEY_ENV] = 'bamboo-test-key';
    process.env[HOOK_ENV] = 'bamboo-webhook-private-key';
    fake = await startFakeBamboo({ apiKey: 'bamboo-test-key', now: () => NOW });
  });
  afterAll(() => fake?.stop());
  afterEach(() => {
    fake.requests.length = 0;
    fake.reportOverride = undefined;
  });

  it('reads everyone, inactive and future-dated included, and maps each state', async () => {
    const read = await source().snapshot();
    expect(read.rejected).toEqual([]);
    expect(read.rowCount).toBe(8);
    const by = new Map(read.records.map((r) => [r.record.employee_id, r.record]));
    expect(by.get('E101')).toEqual({
      employee_id: 'E101',
      first_name: 'Kenji',
      last_name: 'Brown',
      preferred_name: 'Ken',
      email: 'kenji.brown@acme.example',
      department: 'Engineering',
      title: 'Software Engineer',
      manager_id: 'E100',
      location: 'London',
      employment_type: 'employee',
      status: 'active',
      start_date: '2021-03-15',
      end_date: null,
    });
    const state = (id: string) => {
      const r = by.get(id)!;
      return [r.status, r.employment_type, r.start_date, r.end_date];
    };
    expect(state('E102')).toEqual(['active', 'contractor', '2025-09-01', null]);
    expect(state('E103')).toEqual(['leave', 'employee', '2022-05-02', null]);
    expect(state('E104')).toEqual(['terminated', 'employee', '2023-02-01', '2026-06-30']);
    // Inactive until the hire date: a future hire, not a leaver.
    expect(state('E105')).toEqual(['active', 'employee', '2026-12-07', null]);
    // Rehired: the rehire date starts the employment; the earlier termination is history.
    expect(state('E106')).toEqual(['active', 'employee', '2026-01-05', null]);
    // A termination entered ahead of its date (onlyCurrent=false): a scheduled leaver.
    expect(state('E107')).toEqual(['active', 'employee', '2024-04-01', '2026-12-31']);
    expect(read.sha256).toMatch(/^[0-9a-f]{64}$/);

    // The custom report (Active and Inactive), twice: current values, then future-dated ones.
    const reports = fake.requests.filter((r) => r.path === '/api/v1/reports/custom');
    expect(reports.map((r) => r.query.get('onlyCurrent'))).toEqual(['true', 'false']);
    expect(reports.every((r) => r.query.get('format') === 'JSON')).toBe(true);
    expect(fake.count('/api/v1/employees/directory')).toBe(0);
    const auth = Buffer.from(`bamboo-test-key:x`).toString('base64');
    expect(reports[0]!.headers.authorization).toBe(`Basic ${auth}`);
  });

  it('quarantines malformed and partial records with position and BambooHR id; keeps the rest', async () => {
    fake.reportOverride = {
      status: 200,
      body: fixture('bamboohr', 'employees-partial.json'),
    };
    const read = await source().snapshot();
    expect(read.records.map((r) => r.record.employee_id)).toEqual(['E100', 'E101']);
    expect(read.rowCount).toBe(8);
    const reasons = new Map(read.rejected.map((r) => [r.row, r.reason]));
    expect([...reasons.keys()]).toEqual([3, 4, 5, 6, 7, 8]);
    expect(reasons.get(3)).toMatch(
      /^BambooHR id 3: field "workEmail" is missing \(BambooHR leaves out fields the API key may not see\); email is required/,
    );
    expect(reasons.get(4)).toBe(
      'BambooHR id 4: start_date "31/12/2020" must be an ISO date YYYY-MM-DD',
    );
    expect(reasons.get(5)).toMatch(
      /^BambooHR entry 5: the entry is a string, not an employee object/,
    );
    expect(reasons.get(6)).toMatch(/^BambooHR id 6: duplicate employee_id "E110": also on row 7$/);
    expect(reasons.get(8)).toMatch(/^BambooHR id 8: workEmail is object, expected text/);
    expect(read.rejected.find((r) => r.row === 3)!.employee_id).toBe('E102');
    expect(read.rejected.find((r) => r.row === 3)!.raw).toContain('"employeeNumber":"E102"');
  });

  it('refuses a wholly malformed answer, naming it', async () => {
    fake.reportOverride = { status: 200, body: { title: 'x', rows: [] } };
    await expect(source().snapshot()).rejects.toMatchObject({
      code: 'hr.vendor_response',
      message: expect.stringMatching(/custom report: expected an object with an "employees" array/),
    });
    fake.reportOverride = { status: 200, body: '<html>maintenance</html>' };
    await expect(source().snapshot()).rejects.toMatchObject({ code: 'hr.vendor_response' });
    fake.reportOverride = { status: 200, body: { employees: [] } };
    await expect(source().snapshot()).rejects.toThrow(/refusing to read an empty roster/);
  });

  it('waits as long as Retry-After says on 429 and 503, then succeeds', async () => {
    const isReport = (r: { path: string }) => r.path === '/api/v1/reports/custom';
    fake.failNext(isReport, { status: 429, headers: { 'retry-after': '1' } });
    fake.failNext(isReport, {
      status: 503,
      headers: { 'retry-after': new Date(NOW.getTime() - 1000).toUTCString() },
    });
    const t = performance.now();
    const read = await source().snapshot();
    expect(performance.now() - t).toBeGreaterThanOrEqual(950);
    expect(read.records).toHaveLength(8);
    expect(fake.count('/api/v1/reports/custom')).toBe(4);
  });

  it('gives up after max_retries with the last failure, and never waits past max_retry_wait_seconds', async () => {
    const current = (r: { path: string; query: URLSearchParams }) =>
      r.path === '/api/v1/reports/custom' && r.query.get('onlyCurrent') === 'true';
    const unavailable = { status: 503, headers: { 'retry-after': '0' } };
    fake.failNext(current, unavailable, unavailable, unavailable);
    await expect(source().snapshot()).rejects.toMatchObject({
      code: 'hr.vendor_unavailable',
      message: expect.stringMatching(/HTTP 503, still after 3 attempts/),
    });
    expect(fake.requests.filter(current)).toHaveLength(3);
    fake.failNext(current, { status: 429, headers: { 'retry-after': '3600' } });
    await expect(source().snapshot()).rejects.toThrow(/Retry-After asks for 3600 s, more than/);
  });

  it('never retries 401: the error names the key reference, not its value', async () => {
    process.env[KEY_ENV] = 'wrong-key';
    try {
      const err = await source()
        .snapshot()
        .catch((e) => e);
      expect(err).toMatchObject({ code: 'hr.vendor_auth' });
      expect(err.message).toContain('the API key ${env:TENURE_TEST_BAMBOO_KEY}');
      expect(err.message).toContain('(Invalid API key)');
      expect(err.message).not.toContain('wrong-key');
      expect(fake.count('/api/v1/reports/custom')).toBeLessThanOrEqual(2); // the two parallel reports, once each
    } finally {
      process.env[KEY_ENV] = 'bamboo-test-key';
    }
  });

  it('lists who changed since a watermark, and re-reads them (404: no longer known)', async () => {
    fake.update('2', { jobTitle: 'Senior Software Engineer' }, new Date('2026-11-26T08:30:00Z'));
    const s = source();
    const delta = await s.changedSince!('2026-11-26T08:00:00+00:00');
    expect(delta).toEqual({ ids: ['2'], watermark: '2026-11-26T09:00:00+00:00' });
    // "+" travels as %2B, so BambooHR reads the offset and not a space.
    const asked = fake.requests.find((r) => r.path === '/api/v1/employees/changed')!;
    expect(asked.query.get('since')).toBe('2026-11-26T08:00:00+00:00');
    const people = await s.fetchPeople!(['2', '404']);
    expect(people.records.map((r) => r.record.title)).toEqual(['Senior Software Engineer']);
    expect(people.notFound).toEqual(['404']);
    expect(people.warnings).toEqual([]); // a few people: their managers are not expected here
  });

  it('parses the documented changed-since answer', async () => {
    const body = fixture('bamboohr', 'changed.json');
    const { changedSince } = await import('../../src/sources/bamboohr/api.js');
    const http = { request: async () => ({ status: 200, body, bytes: Buffer.alloc(0) }) };
    expect(await changedSince(http, '2026-11-26T08:00:00Z')).toEqual({
      ids: ['2', '9'],
      latest: '2026-11-26T09:00:00+00:00',
    });
  });

  describe('webhook', () => {
    const KEY = 'bamboo-webhook-private-key';
    const raw = readFileSync(fixturePath('bamboohr', 'webhook-employee-updated.json'));
    const ts = String(NOW.getTime() / 1000);
    const headers = (body: Buffer, t = ts, key = KEY) => ({
      'x-bamboohr-signature': bambooSignature(body, t, key),
      'x-bamboohr-timestamp': t,
    });
    const verify = (body: Buffer, h: Record<string, string>) =>
      source().webhook!.verify(body, h, NOW);

    it('accepts a signed event-based delivery: HMAC-SHA256 over body ‖ timestamp', () => {
      const v = verify(raw, headers(raw));
      expect(v).toMatchObject({ employeeIds: ['2'], type: 'employee.updated' });
      expect(v.eventId).toBe(`bamboohr:${bambooSignature(raw, ts, KEY)}`);
      expect(v.replayUntil.toISOString()).toBe('2026-11-26T09:05:00.000Z');
    });

    it('accepts the legacy field-based format, several employees at once', () => {
      const body = readFileSync(fixturePath('bamboohr', 'webhook-employee-with-fields.json'));
      expect(verify(body, headers(body))).toMatchObject({
        employeeIds: ['3', '4'],
        type: 'employee_with_fields.Updated',
      });
    });

    it('refuses a bad signature: wrong key, altered body, altered timestamp, missing or malformed headers', () => {
      expect(refusal(() => verify(raw, headers(raw, ts, 'other-key'))).code).toBe(
        'webhook.bad_signature',
      );
      const altered = Buffer.from(raw.toString().replace('"2"', '"3"'));
      expect(refusal(() => verify(altered, headers(raw))).code).toBe('webhook.bad_signature');
      const shifted = { ...headers(raw), 'x-bamboohr-timestamp': String(Number(ts) + 1) };
      expect(refusal(() => verify(raw, shifted)).code).toBe('webhook.bad_signature');
      const broken: Record<string, string>[] = [
        {},
        { 'x-bamboohr-signature': 'zz', 'x-bamboohr-timestamp': ts },
      ];
      for (const h of broken)
        expect(refusal(() => verify(raw, h)).code).toBe('webhook.bad_signature');
    });

    it('refuses a stale or future timestamp outside ±300 s, even correctly signed', () => {
      for (const offset of [-301, 301]) {
        const t = String(Number(ts) + offset);
        expect(refusal(() => verify(raw, headers(raw, t)))).toMatchObject({
          code: 'webhook.stale',
          message: expect.stringMatching(/301 s (old|in the future)/),
        });
      }
      expect(refusal(() => verify(raw, headers(raw, String(Number(ts) - 300)))).code).toBe('ok');
    });

    it('refuses a malformed payload with the problems listed', () => {
      const body = Buffer.from(
        JSON.stringify({ type: 'employee.updated', data: { employeeId: 'a b' } }),
      );
      expect(refusal(() => verify(body, headers(body)))).toMatchObject({
        code: 'webhook.invalid',
        problems: ['data.employeeId: missing or not an employee id'],
      });
      const notJson = Buffer.from('{"type":');
      expect(refusal(() => verify(notJson, headers(notJson))).problems![0]).toMatch(
        /^the body is not JSON/,
      );
    });
  });
});

describe('tenure.yaml sources of an HR system', () => {
  const problems = (source: string): string[] => {
    try {
      parseConfig(
        `organisation: { name: A, time_zone: UTC }\nsources:\n  - ${source}\n`,
        'tenure.yaml',
      );
      return [];
    } catch (e) {
      return (e as { details: { problems: string[] } }).details.problems;
    }
  };

  it('names an unknown type, and every bad BambooHR setting by its path', () => {
    expect(problems('{ id: hr, type: bambo }')).toEqual([
      'sources[0].type: unknown source type "bambo" (known: file, bamboohr, hibob, workday)',
    ]);
    expect(
      problems(
        '{ id: hr, type: bamboohr, company_domain: "acme.bamboohr.com", api_key: plaintext, base_url: "http://hr.example", fields: { departmnt: division }, states: { leave: [""] }, http: { max_retries: 50 } }',
      ),
    ).toEqual([
      'sources[0].company_domain: the part before .bamboohr.com, e.g. "acme"',
      'sources[0].api_key: secrets must be written as ${env:NAME}',
      'sources[0].base_url: must be an https:// URL (http:// only on 127.0.0.1 or localhost)',
      'sources[0].fields: unknown key "departmnt"',
      'sources[0].states.leave[0]: Too small: expected string to have >=1 characters',
      'sources[0].http.max_retries: Too big: expected number to be <=10',
    ]);
    expect(
      problems(
        '{ id: hr, type: bamboohr, company_domain: acme, api_key: "${env:K}", path: x.csv }',
      ),
    ).toEqual(['sources[0]: unknown key "path"']);
  });

  it('checks HiBob field paths and Workday settings the same way', () => {
    expect(
      problems(
        '{ id: bob, type: hibob, service_user: { id: svc }, fields: { title: "work title" } }',
      ),
    ).toEqual([
      'sources[0].service_user.token: is required (string)',
      'sources[0].fields.title: must be a field path like "work.title"',
    ]);
    expect(
      problems(
        '{ id: wd, type: workday, report_url: "https://wd5.example/ccx/x", username: isu, password: "${env:P}", worker_prompt: "Worker ID" }',
      ),
    ).toEqual([
      'sources[0].worker_prompt: must be a report prompt name like "Effective_as_of_Date"',
    ]);
  });

  it('accepts a minimal entry of each type, with the defaults filled in', () => {
    expect(
      problems('{ id: hr, type: bamboohr, company_domain: acme, api_key: "${env:K}" }'),
    ).toEqual([]);
    expect(problems('{ id: hr, type: hibob, service_user: { id: s, token: "${env:T}" } }')).toEqual(
      [],
    );
    const config = parseConfig(
      'organisation: { name: A, time_zone: UTC }\nsources:\n  - { id: hr, type: bamboohr, company_domain: acme, api_key: "${env:K}" }\n',
      'tenure.yaml',
    );
    expect(config.sources[0]).toMatchObject({
      states: {
        terminated: ['Terminated'],
        leave: ['Leave of Absence'],
        contractor: ['Contractor'],
      },
      http: { timeout_seconds: 60, max_retries: 5, max_retry_wait_seconds: 120 },
      fields: {},
    });
  });
});
