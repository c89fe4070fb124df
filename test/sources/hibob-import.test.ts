/**
 * HiBob through the engine on both store dialects: the full read's states as lifecycle events,
 * then webhooks v2 end to end — a change re-read and run for that person, a lifecycle event
 * (garden leave, a leaver), an effective-dated table entry, the ping; refusals audited, nothing
 * changed; a 401 from HiBob during the re-read is not retried.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSource } from '../../src/engine/sync/import-source.js';
import { type BuiltApp, buildApp } from '../../src/http/app.js';
import { hibobSignature } from '../../src/sources/hibob/webhook.js';
import { testDialects } from '../support/databases.js';
import { type FakeHibob, startFakeHibob } from '../support/fake-hibob.js';
import { fixturePath } from '../support/fake-http.js';
import { silentLog } from '../support/hr-sources.js';
import { eventLines, hrSystemWorkspace } from '../support/hr-workspace.js';
import { auditEvents, type TestWorkspace } from '../support/workspace.js';

const TOKEN_ENV = 'TENURE_TEST_HIBOB_TOKEN';
const HOOK_ENV = 'TENURE_TEST_HIBOB_HOOK';
const SECRET = 'hibob-webhook-secret';
const URL_EVENTS = '/api/v1/sources/bob/events';

describe.each(testDialects())('HiBob source through the engine on %s', (dialect) => {
  let fake: FakeHibob;
  let tw: TestWorkspace;
  let app: BuiltApp;
  const body = (name: string) => readFileSync(fixturePath('hibob', name));
  const envelope = (type: string, employeeId: string, at = '2026-11-26T08:59:58.000000') =>
    Buffer.from(
      JSON.stringify({
        companyId: 636192,
        type,
        triggeredBy: 'system',
        triggeredAt: at,
        version: 'v2',
        data: { employeeId },
      }),
    );
  const post = (raw: Buffer, secret = SECRET) =>
    app.inject({
      method: 'POST',
      url: URL_EVENTS,
      payload: raw,
      headers: { 'content-type': 'application/json', 'bob-signature': hibobSignature(raw, secret) },
    });
  const state = async () => ({
    identities: JSON.stringify(await tw.ws.store.identities.all()),
    jobs: (await tw.ws.store.jobs.list({ limit: 1000 })).length,
  });

  beforeAll(async () => {
    process.env[TOKEN_ENV] = 'hibob-token';
    process.env[HOOK_ENV] = SECRET;
    fake = await startFakeHibob({ user: 'svc-tenure', token: 'hibob-token' });
    tw = await hrSystemWorkspace(
      dialect,
      `{ id: bob, type: hibob, service_user: { id: svc-tenure, token: "\${env:${TOKEN_ENV}}" }, base_url: "${fake.url}/v1", fields: { employment_type: payroll.employment.type }, webhook: { secret: "\${env:${HOOK_ENV}}" }, http: { timeout_seconds: 5, max_retries: 1, max_retry_wait_seconds: 2 } }`,
      '2026-11-26T09:00:00.000Z',
    );
    app = await buildApp({ ws: tw.ws, log: silentLog });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await tw?.cleanup();
    await fake?.stop();
  });

  it('imports everyone, leavers included, each state as its lifecycle event', async () => {
    const s = await importSource(tw.ws, { sourceId: 'bob' });
    expect(s.rows).toBe(7);
    expect(eventLines(s.changes)).toEqual([
      '1001 joiner',
      '1002 joiner',
      '1003 joiner',
      '1004 joiner',
      '1004 leave_start',
      '1006 joiner',
      '1007 joiner',
      '1007 scheduled_leaver',
    ]);
    expect((await tw.ws.store.identities.get('1005'))?.status).toBe('terminated');
    // No changed-since API at HiBob: nothing to keep for a delta.
    expect(await tw.ws.store.sourceState.get('bob')).toBeUndefined();
    await expect(importSource(tw.ws, { sourceId: 'bob', changed: true })).rejects.toMatchObject({
      code: 'source.no_delta',
    });
  });

  it('a change: re-read, a mover, a run queued for that person alone', async () => {
    fake.update('1002', { work: { department: 'Sales' } });
    const res = await post(body('webhook-employee-updated.json'));
    expect(res.statusCode).toBe(202);
    const out = res.json();
    expect(out).toMatchObject({
      type: 'employee.updated',
      people: [{ identity_id: '1002', events: ['mover'], deduped: false }],
    });
    const job = await tw.ws.store.jobs.get(out.people[0].job_id);
    expect(job).toMatchObject({
      kind: 'run_identity',
      payload: { identity_id: '1002', source_id: 'bob' },
    });
  });

  it('lifecycle events: garden leave is a leave, a termination that took effect a leaver', async () => {
    fake.update('1002', { internal: { lifecycleStatus: 'garden leave' } });
    const leave = await post(envelope('employee.left', '1002'));
    expect(leave.json().people).toMatchObject([{ identity_id: '1002', events: ['leave_start'] }]);
    fake.update('1007', {
      internal: {
        status: 'Inactive',
        lifecycleStatus: 'terminated',
        terminationDate: '2026-11-25',
      },
    });
    const left = await post(body('webhook-employee-left.json'));
    expect(left.json().people).toMatchObject([{ identity_id: '1007', events: ['leaver'] }]);
    expect((await tw.ws.store.identities.get('1007'))?.status).toBe('terminated');
  });

  it('an effective-dated table entry: read now, nothing changes before its date', async () => {
    const head = await tw.ws.store.audit.head();
    const res = await post(body('webhook-table-entry.json'));
    expect(res.json()).toMatchObject({
      type: 'table.entry.created',
      people: [{ identity_id: '1003', events: [] }],
    });
    const accepted = (await auditEvents(tw.ws)).filter(
      (e) => e.seq > head.seq && e.action === 'webhook.accepted',
    );
    expect(JSON.parse(accepted[0]!.details)).toMatchObject({ effective_date: '2027-01-01' });
    // On its date HiBob shows the new value; the next read makes the conversion a mover.
    fake.update('1003', { payroll: { employment: { type: 'Permanent' } } });
    const s = await importSource(tw.ws, { sourceId: 'bob' });
    expect(eventLines(s.changes)).toEqual(['1003 mover[employment_type]']);
  });

  it('answers the subscription ping and changes nothing', async () => {
    const before = await state();
    const res = await app.inject({
      method: 'POST',
      url: URL_EVENTS,
      payload: body('webhook-ping.txt'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ type: 'ping', people: [] });
    expect(await state()).toEqual(before);
  });

  const refusals: [
    string,
    () => Promise<{ statusCode: number; json(): unknown }>,
    number,
    string,
  ][] = [
    [
      'forged',
      () => post(envelope('employee.updated', '1001'), 'guess'),
      401,
      'webhook.bad_signature',
    ],
    [
      'two days old',
      () => post(envelope('employee.updated', '1001', '2026-11-24T09:00:00.000000')),
      401,
      'webhook.stale',
    ],
    ['not JSON', () => post(Buffer.from('{"type":')), 400, 'webhook.invalid'],
    ['replayed', () => post(body('webhook-employee-left.json')), 409, 'webhook.replay'],
  ];
  it.each(refusals)(
    'refuses a delivery %s: audited, nothing changed',
    async (_w, send, status, code) => {
      const before = await state();
      const head = await tw.ws.store.audit.head();
      const res = await send();
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject({ code });
      expect(await state()).toEqual(before);
      const added = (await auditEvents(tw.ws)).filter((e) => e.seq > head.seq);
      expect(added.map((e) => e.action)).toEqual(['webhook.refused']);
    },
  );

  it('a 401 from HiBob during the re-read is not retried: 503 to Bob, nothing changed', async () => {
    process.env[TOKEN_ENV] = 'revoked';
    try {
      const before = await state();
      const calls = fake.count('/v1/people/search');
      const res = await post(envelope('employee.updated', '1001', '2026-11-26T08:59:59.000000'));
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        code: 'webhook.source_unavailable',
        detail: expect.stringMatching(
          /hr\.vendor_auth: HiBob refused the service user "svc-tenure"/,
        ),
      });
      expect(fake.count('/v1/people/search') - calls).toBe(1);
      expect(await state()).toEqual(before);
    } finally {
      process.env[TOKEN_ENV] = 'hibob-token';
    }
  });
});
