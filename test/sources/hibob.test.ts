/**
 * The HiBob source against a fake HiBob API (test/support/fake-hibob.ts, fixtures in
 * test/fixtures/hibob): people search with showInactive, both answer shapes, states, a 401 that is
 * never retried, 429 with Retry-After, malformed and partial answers, webhook v2 signatures.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hibobSource } from '../../src/sources/hibob/index.js';
import { hibobSignature } from '../../src/sources/hibob/webhook.js';
import { type FakeHibob, startFakeHibob } from '../support/fake-hibob.js';
import { fixturePath } from '../support/fake-http.js';
import { makeSource, refusal } from '../support/hr-sources.js';

const TOKEN_ENV = 'TENURE_TEST_HIBOB_TOKEN';
const HOOK_ENV = 'TENURE_TEST_HIBOB_HOOK';
const SECRET = 'hibob-webhook-secret';
const NOW = new Date('2026-11-26T09:00:00Z');

describe('HiBob source', () => {
  let fake: FakeHibob;
  const source = (over: Record<string, unknown> = {}) =>
    makeSource(
      hibobSource,
      {
        id: 'bob',
        type: 'hibob',
        service_user: { id: 'svc-tenure', token: `\${env:${TOKEN_ENV}}` },
        base_url: `${fake.url}/v1`,
        fields: { employment_type: 'payroll.employment.type' },
        webhook: { secret: `\${env:${HOOK_ENV}}` },
        http: { timeout_seconds: 5, max_retries: 2, max_retry_wait_seconds: 5 },
        ...over,
      },
      { now: NOW },
    );

  beforeAll(async () => {
    process.env[TOKEN_ENV] = 'hibob-token';
    process.env[HOOK_ENV] = SECRET;
    fake = await startFakeHibob({ user: 'svc-tenure', token: 'hibob-token' });
  });
  afterAll(() => fake?.stop());
  afterEach(() => {
    fake.requests.length = 0;
    fake.searchOverride = undefined;
  });

  it('reads everyone with showInactive, in both answer shapes, and maps each state', async () => {
    const read = await source().snapshot();
    expect(read.rejected).toEqual([]);
    const by = new Map(read.records.map((r) => [r.record.employee_id, r.record]));
    expect([...by.keys()].sort()).toEqual(['1001', '1002', '1003', '1004', '1005', '1006', '1007']);
    expect(by.get('1002')).toEqual({
      employee_id: '1002',
      first_name: 'Alan',
      last_name: 'Turing',
      preferred_name: null,
      email: 'alan.turing@acme.example',
      department: 'Engineering',
      title: 'Software Engineer',
      manager_id: '1001',
      location: 'London',
      employment_type: 'employee',
      status: 'active',
      start_date: '2021-03-01',
      end_date: null,
    });
    const state = (id: string) => {
      const r = by.get(id)!;
      return [r.status, r.employment_type, r.end_date];
    };
    expect(state('1003')).toEqual(['active', 'contractor', null]);
    expect(state('1004')).toEqual(['leave', 'employee', null]);
    expect(state('1005')).toEqual(['terminated', 'employee', '2026-05-31']);
    expect(state('1007')).toEqual(['active', 'employee', '2026-12-15']);
    // The JSON-pointer shape reads the same.
    expect(by.get('1006')).toMatchObject({
      title: 'Support Engineer',
      manager_id: '1001',
      location: 'Singapore',
    });

    expect(fake.requests).toHaveLength(1);
    const asked = JSON.parse(fake.requests[0]!.body);
    expect(asked).toMatchObject({ showInactive: true, humanReadable: 'REPLACE' });
    expect(asked.filters).toBeUndefined();
    expect(asked.fields).toEqual(
      expect.arrayContaining([
        'root.id',
        'work.reportsTo',
        'internal.lifecycleStatus',
        'payroll.employment.type',
      ]),
    );
    const auth = Buffer.from('svc-tenure:hibob-token').toString('base64');
    expect(fake.requests[0]!.headers.authorization).toBe(`Basic ${auth}`);
  });

  it('never retries a 401: one request, and the error names the service user', async () => {
    process.env[TOKEN_ENV] = 'expired-token';
    try {
      const err = await source()
        .snapshot()
        .catch((e) => e);
      expect(err).toMatchObject({ code: 'hr.vendor_auth' });
      expect(err.message).toMatch(
        /HiBob refused the service user "svc-tenure" \(token \$\{env:TENURE_TEST_HIBOB_TOKEN\}\) with 401/,
      );
      expect(err.message).toMatch(/Not retried/);
      expect(err.message).not.toContain('expired-token');
      expect(fake.requests).toHaveLength(1);
    } finally {
      process.env[TOKEN_ENV] = 'hibob-token';
    }
  });

  it('waits out a 429 as Retry-After says, then reads', async () => {
    fake.failNext(() => true, { status: 429, headers: { 'retry-after': '1' } });
    const t = performance.now();
    const read = await source().snapshot();
    expect(performance.now() - t).toBeGreaterThanOrEqual(950);
    expect(read.records).toHaveLength(7);
    expect(fake.requests).toHaveLength(2);
  });

  it('quarantines a person whose fields HiBob left out; refuses a malformed answer', async () => {
    const people = [...fake.people.values()];
    const partial = structuredClone(people[1]!) as { work: Record<string, unknown> };
    delete partial.work.department;
    fake.searchOverride = { status: 200, body: { employees: [people[0], partial, 42] } };
    const read = await source().snapshot();
    expect(read.records.map((r) => r.record.employee_id)).toEqual(['1001']);
    expect(read.rejected.map((r) => [r.row, r.employee_id, r.reason])).toEqual([
      [
        2,
        '1002',
        'HiBob id 1002: field "work.department" is missing (HiBob leaves out fields the service user may not see); department is required',
      ],
      [3, null, 'HiBob entry 3: the entry is a number, not a person object'],
    ]);
    fake.searchOverride = { status: 200, body: { people: [] } };
    await expect(source().snapshot()).rejects.toMatchObject({
      code: 'hr.vendor_response',
      message: 'HiBob people search: expected an object with an "employees" array',
    });
  });

  it('re-reads named people with one root.id filter', async () => {
    const r = await source().fetchPeople!(['1002', '1005', '9999']);
    expect(r.records.map((x) => x.record.employee_id)).toEqual(['1002', '1005']);
    expect(r.notFound).toEqual(['9999']);
    const asked = JSON.parse(fake.requests[0]!.body);
    expect(asked.filters).toEqual([
      { fieldPath: 'root.id', operator: 'equals', values: ['1002', '1005', '9999'] },
    ]);
    expect(asked.showInactive).toBe(true);
  });

  describe('webhook v2', () => {
    const raw = readFileSync(fixturePath('hibob', 'webhook-employee-updated.json'));
    const verify = (body: Buffer, headers: Record<string, string>, now = NOW) =>
      source().webhook!.verify(body, headers, now);
    const signed = (body: Buffer, secret = SECRET) => ({
      'bob-signature': hibobSignature(body, secret),
    });

    it('accepts a delivery signed with base64 HMAC-SHA512 over the raw body', () => {
      const v = verify(raw, signed(raw));
      expect(v).toMatchObject({ employeeIds: ['1002'], type: 'employee.updated' });
      expect(v.eventId).toMatch(/^hibob:[0-9a-f]{128}$/);
      // Remembered 24 h after triggeredAt: within that, the same delivery is a replay.
      expect(v.replayUntil.toISOString()).toBe('2026-11-27T08:59:30.915Z');
    });

    it('carries the effective date of a table entry', () => {
      const body = readFileSync(fixturePath('hibob', 'webhook-table-entry.json'));
      expect(verify(body, signed(body))).toMatchObject({
        employeeIds: ['1003'],
        type: 'table.entry.created',
        effectiveDate: '2027-01-01',
      });
    });

    it('answers the subscription ping, signed or not', () => {
      const ping = readFileSync(fixturePath('hibob', 'webhook-ping.txt'));
      expect(verify(ping, {})).toMatchObject({ ping: true, employeeIds: [] });
      expect(verify(Buffer.from('{"text":"Ping test"}'), {})).toMatchObject({ ping: true });
    });

    it('refuses a bad signature', () => {
      expect(refusal(() => verify(raw, signed(raw, 'wrong'))).code).toBe('webhook.bad_signature');
      const altered = Buffer.from(raw.toString().replace('1002', '1001'));
      expect(refusal(() => verify(altered, signed(raw))).code).toBe('webhook.bad_signature');
      expect(refusal(() => verify(raw, {})).code).toBe('webhook.bad_signature');
      expect(refusal(() => verify(raw, { 'bob-signature': 'abc' })).code).toBe(
        'webhook.bad_signature',
      );
    });

    it('refuses a delivery older than the replay memory, or from the future', () => {
      const later = new Date('2026-11-27T09:00:00Z');
      expect(refusal(() => verify(raw, signed(raw), later))).toMatchObject({
        code: 'webhook.stale',
        message: expect.stringMatching(/triggeredAt is 86429 s old; accepted: up to 86400 s/),
      });
      const earlier = new Date('2026-11-26T08:50:00Z');
      expect(refusal(() => verify(raw, signed(raw), earlier)).code).toBe('webhook.stale');
    });

    it('refuses malformed envelopes, v1 included, listing the problems', () => {
      const v1 = Buffer.from(JSON.stringify({ type: 'employee.updated', employee: { id: '1' } }));
      expect(refusal(() => verify(v1, signed(v1)))).toMatchObject({
        code: 'webhook.invalid',
        problems: [
          'version: only webhooks v2 are supported',
          'triggeredAt: missing or not a date-time',
          'data.employeeId: missing or not an employee id',
        ],
      });
    });
  });
});
