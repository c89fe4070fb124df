/**
 * The HR change webhook end to end through the real app (inject): a signed change for one person
 * runs for that person only; forged, stale, replayed and malformed events are 4xx problems,
 * audited as webhook.refused, and change nothing.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullRun } from '../../src/engine/runs/runs.js';
import { createScheduler, type Scheduler } from '../../src/engine/scheduler/index.js';
import { receiveSourceEvent } from '../../src/engine/webhook/receive.js';
import { type BuiltApp, buildApp } from '../../src/http/app.js';
import { testDialects } from '../support/databases.js';
import { org } from '../support/small-org.js';
import { auditEvents, makeWorkspace, type TestWorkspace } from '../support/workspace.js';
import { SECRET, SECRET_ENV, signedEvent, waitFor, webhookYaml } from './webhook-support.js';

const NOW = '2026-11-26T09:00:00.000Z';
const URL_HR = '/api/v1/sources/hr/events';

describe.each(testDialects())('HR change webhook on %s', (dialect) => {
  let tw: TestWorkspace;
  let app: BuiltApp;
  let scheduler: Scheduler;
  const now = () => tw.ws.clock();

  beforeAll(async () => {
    process.env[SECRET_ENV] = SECRET;
    tw = await makeWorkspace(dialect, { yaml: webhookYaml(), now: NOW });
    tw.writeHr('people.csv', org(20));
    await fullRun(tw.ws, { actor: 'admin:setup', trigger: 'test' });
    scheduler = createScheduler({
      ws: tw.ws,
      owner: 'test-replica',
      intervals: { tickMs: 200, pollMs: 200, leaseMs: 10_000, graceMs: 10_000 },
    });
    await scheduler.start();
    app = await buildApp({ ws: tw.ws, log: pino({ level: 'silent' }), scheduler });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await scheduler?.stop();
    await tw?.cleanup();
  });

  /** What must not move when an event is refused. */
  const snapshot = async () => ({
    identities: JSON.stringify(await tw.ws.store.identities.all()),
    jobs: (await tw.ws.store.jobs.list({ limit: 1000 })).length,
    runs: (await tw.ws.store.runs.list(1000)).length,
  });

  it('a change for one person runs for that person only, at once', async () => {
    const before = await tw.ws.store.accounts.all();
    const ev = signedEvent(
      { employee_id: 'P002', event_id: 'ev-move-1', record: { department: 'Sales' } },
      { at: now() },
    );
    const res = await app.inject({ method: 'POST', url: URL_HR, ...ev });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({
      identity_id: 'P002',
      source_id: 'hr',
      events: ['mover'],
      deduped: false,
    });

    const job = await waitFor('the run job', async () => {
      const j = await tw.ws.store.jobs.get(body.job_id);
      return j?.status === 'done' ? j : undefined;
    });
    expect(job).toMatchObject({ kind: 'run_identity', lease_owner: 'test-replica', attempts: 1 });
    expect(job.result).toMatchObject({ status: 'done', outcome: 'done', failure: 0 });

    const run = await tw.ws.store.runs.get(job.result!.run_id as string);
    expect(run).toMatchObject({ trigger: 'hr:hr:webhook', actor: 'system', status: 'done' });
    const ops = await tw.ws.store.runs.operations(run!.id);
    expect(ops.length).toBeGreaterThan(0);
    expect(new Set(ops.map((o) => o.op.identity_id))).toEqual(new Set(['P002']));
    expect(ops.map((o) => `${o.op.kind} ${o.op.entitlement ?? ''}`).sort()).toEqual([
      'entitlement.grant sales',
      'entitlement.revoke eng',
    ]);

    const p2 = await tw.ws.store.identities.get('P002');
    expect(p2?.attributes.department).toBe('Sales');
    const dir = (await tw.ws.store.accounts.forIdentity('P002')).find((a) => a.app_id === 'dir');
    expect(dir?.entitlements.sort()).toEqual(['sales', 'staff']);
    // Nobody else's accounts moved.
    const after = await tw.ws.store.accounts.all();
    const others = (list: typeof after) =>
      JSON.stringify(list.filter((a) => a.identity_id !== 'P002'));
    expect(others(after)).toBe(others(before));

    const events = await auditEvents(tw.ws);
    expect(
      events.find((e) => e.action === 'identity.mover' && e.target === 'identity:P002'),
    ).toMatchObject({
      actor: 'hr:hr:mover',
      trigger: 'hr:hr:webhook',
    });
    expect(events.find((e) => e.action === 'webhook.accepted')).toMatchObject({
      actor: 'hr:hr:webhook',
      target: 'identity:P002',
      trigger: `job:${body.job_id}`,
    });
    const status = await scheduler.status();
    expect(status.map((s) => s.name)).toEqual(['import_and_run', 'lifecycle_tick', 'reconcile']);
    expect(status[0]).toMatchObject({ enabled: false, next_run_at: null, leader: 'test-replica' });
  });

  const refusals: [
    string,
    () => { payload: string; headers: Record<string, string> },
    string,
    number,
    string,
  ][] = [
    [
      'forged (wrong secret)',
      () =>
        signedEvent(
          { employee_id: 'P003', record: { title: 'CEO' } },
          { at: now(), secret: 'guess' },
        ),
      URL_HR,
      401,
      'webhook.bad_signature',
    ],
    [
      'unsigned',
      () => ({
        payload: JSON.stringify({ employee_id: 'P003' }),
        headers: { 'content-type': 'application/json' },
      }),
      URL_HR,
      401,
      'webhook.bad_signature',
    ],
    [
      'stale (10 minutes old)',
      () =>
        signedEvent(
          { employee_id: 'P003', record: { title: 'CEO' } },
          { at: new Date(now().getTime() - 600_000) },
        ),
      URL_HR,
      401,
      'webhook.stale',
    ],
    [
      'from the future',
      () =>
        signedEvent(
          { employee_id: 'P003', record: { title: 'CEO' } },
          { at: new Date(now().getTime() + 400_000) },
        ),
      URL_HR,
      401,
      'webhook.stale',
    ],
    [
      'malformed JSON',
      () => signedEvent(undefined, { at: now(), raw: '{"employee_id": "P003", ' }),
      URL_HR,
      400,
      'webhook.invalid',
    ],
    [
      'an invalid record',
      () => signedEvent({ employee_id: 'P003', record: { email: 'not-an-email' } }, { at: now() }),
      URL_HR,
      400,
      'webhook.invalid',
    ],
    [
      'for an unknown source',
      () => signedEvent({ employee_id: 'P003' }, { at: now() }),
      '/api/v1/sources/payroll/events',
      404,
      'webhook.unknown_source',
    ],
    [
      'for an unknown person without a record',
      () => signedEvent({ employee_id: 'P999' }, { at: now() }),
      URL_HR,
      404,
      'webhook.unknown_identity',
    ],
  ];

  it.each(refusals)(
    'refuses an event %s: 4xx problem, audited, nothing changed',
    async (_what, make, url, status, code) => {
      const before = await snapshot();
      // Anonymous refusals are counted per source, reason and minute: close the earlier
      // cases' buckets, so this one is the first of its bucket and appended at once.
      await tw.ws.store.audit.flushRefusals('9999-01-01T00:00:00.000Z');
      const head = await tw.ws.store.audit.head();
      const res = await app.inject({ method: 'POST', url, ...make() });
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status, code, type: `urn:tenure:problem:${code}` });
      expect(await snapshot()).toEqual(before);
      const added = (await auditEvents(tw.ws)).filter((e) => e.seq > head.seq);
      expect(added.map((e) => e.action)).toEqual(['webhook.refused']);
      expect(JSON.parse(added[0]!.details)).toMatchObject({ reason: code });
      expect(added[0]).toMatchObject({ actor: 'system', outcome: 'failure' });
    },
  );

  it('an event naming an id in another case is that identity, spelled as stored', async () => {
    const ev = signedEvent(
      {
        employee_id: 'p007',
        event_id: 'ev-case-1',
        record: { employee_id: 'p007', title: 'Lead' },
      },
      { at: now() },
    );
    const res = await app.inject({ method: 'POST', url: URL_HR, ...ev });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ identity_id: 'P007', events: ['mover'] });
    expect((await tw.ws.store.identities.get('P007'))?.attributes.title).toBe('Lead');
    expect(await tw.ws.store.identities.getIgnoringCase('P007')).toMatchObject({ id: 'P007' });
    expect(await tw.ws.store.identities.get('p007')).toBeUndefined();
  });

  it('301 events for unknown sources: 2 audit rows whose counts add up to 301', async () => {
    await tw.ws.store.audit.flushRefusals('9999-01-01T00:00:00.000Z');
    const head = await tw.ws.store.audit.head();
    for (let i = 0; i < 300; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/sources/payroll/events',
        ...signedEvent({ employee_id: 'P001' }, { at: now() }),
      });
      expect(res.statusCode).toBe(404);
    }
    const added = async () => (await auditEvents(tw.ws)).filter((e) => e.seq > head.seq);
    expect(await added()).toHaveLength(1); // the first at once, the rest counted
    // A made-up source id per request is still the same bucket.
    const other = await app.inject({
      method: 'POST',
      url: '/api/v1/sources/made-up-2/events',
      ...signedEvent({ employee_id: 'P001' }, { at: now() }),
    });
    expect(other.statusCode).toBe(404);
    expect(await added()).toHaveLength(1);
    await tw.ws.store.audit.flushRefusals(new Date(now().getTime() + 60_000).toISOString());
    const rows = await added();
    expect(rows.map((e) => [e.action, e.target])).toEqual([
      ['webhook.refused', 'source:unknown'],
      ['webhook.refused', 'source:unknown'],
    ]);
    const details = rows.map((e) => JSON.parse(e.details));
    expect(details[0]).toMatchObject({ source_id: 'payroll', count: 1 });
    expect(details[1]).toMatchObject({
      reason: 'webhook.unknown_source',
      count: 300,
      repeated: true,
    });
    expect(details.reduce((n, d) => n + d.count, 0)).toBe(301);
  });

  it('refuses a replay of the same signed request, and a re-sent event id', async () => {
    const ev = signedEvent(
      { employee_id: 'P004', event_id: 'ev-title-4', record: { title: 'Lead' } },
      { at: now() },
    );
    const first = await app.inject({ method: 'POST', url: URL_HR, ...ev });
    expect(first.statusCode).toBe(202);
    await waitFor(
      'the run',
      async () => (await tw.ws.store.jobs.get(first.json().job_id))?.status === 'done',
    );

    for (const again of [
      ev,
      // Same event, signed again a second later: a new signature, the same event id.
      signedEvent(
        { employee_id: 'P004', event_id: 'ev-title-4', record: { title: 'Chief' } },
        { at: new Date(now().getTime() + 1000) },
      ),
    ]) {
      const before = await snapshot();
      const head = await tw.ws.store.audit.head();
      const res = await app.inject({ method: 'POST', url: URL_HR, ...again });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('webhook.replay');
      expect(await snapshot()).toEqual(before);
      const added = (await auditEvents(tw.ws)).filter((e) => e.seq > head.seq);
      expect(added.map((e) => e.action)).toEqual(['webhook.refused']);
    }
    expect((await tw.ws.store.identities.get('P004'))?.attributes.title).toBe('Lead');
  });

  it('queues one run for changes arriving before it starts (dedupe)', async () => {
    // No worker running: both changes land while the first run is still queued.
    await scheduler.stop();
    try {
      const send = (title: string, offset: number) => {
        const ev = signedEvent(
          { employee_id: 'P005', record: { title } },
          { at: new Date(now().getTime() + offset) },
        );
        return receiveSourceEvent(tw.ws, {
          sourceId: 'hr',
          body: Buffer.from(ev.payload),
          signature: ev.headers['x-tenure-signature'],
        });
      };
      const a = await send('Lead', 0);
      const b = await send('Principal', 1000);
      expect(a.deduped).toBe(false);
      expect(b).toMatchObject({ deduped: true, job_id: a.job_id, events: ['mover'] });
    } finally {
      scheduler = createScheduler({ ws: tw.ws, owner: 'test-replica', intervals: { pollMs: 100 } });
      await scheduler.start();
    }
    const job = await waitFor('the deduped run', async () => {
      const jobs = await tw.ws.store.jobs.list({ status: 'done' });
      return jobs.find((j) => j.payload.identity_id === 'P005');
    });
    expect((await tw.ws.store.identities.get('P005'))?.attributes.title).toBe('Principal');
    // A title is in no account attribute here: the one run had nothing to do.
    expect(job.result).toMatchObject({ status: 'nothing_to_do' });
    const forP005 = (await tw.ws.store.jobs.list({ limit: 1000 })).filter(
      (j) => j.payload.identity_id === 'P005',
    );
    expect(forP005).toHaveLength(1);
  });
});
