/**
 * A fake BambooHR API on 127.0.0.1, built from the committed fixtures (test/fixtures/bamboohr):
 * custom report, one employee, changed-since, Basic API-key auth, `onlyCurrent=false` overlays.
 * Its state is a map of employees the tests edit to play HR.
 */
import {
  basicCredentials,
  type FakeReply,
  type FakeServer,
  fixture,
  startFakeServer,
} from './fake-http.js';

type Employee = Record<string, unknown>;

export type FakeBamboo = FakeServer & {
  /** Current values by internal id. */
  employees: Map<string, Employee>;
  /** Future-dated values (served with onlyCurrent=false) by internal id. */
  ahead: Map<string, Employee>;
  /** HR edits someone: their values change and `lastChanged` moves to `at`. */
  update(id: string, patch: Employee, at: Date): void;
  /** A termination entered ahead of its date (seen with onlyCurrent=false only). */
  setAhead(id: string, values: Employee | undefined, at: Date): void;
  remove(id: string, at: Date): void;
  /** Replace the report answer (malformed payload tests); undefined restores it. */
  reportOverride: FakeReply | undefined;
};

const bambooTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, '+00:00');

export async function startFakeBamboo(opts: {
  apiKey: string;
  /** Default: test/fixtures/bamboohr/employees.json (and ahead.json for future-dated values). */
  employees?: Employee[];
  ahead?: Record<string, Employee>;
  now?: () => Date;
  /** `PATCH /_fake/employees/{id}` edits an employee from another process (the benchmark). */
  control?: boolean;
}): Promise<FakeBamboo> {
  const now = opts.now ?? (() => new Date());
  const base = fixture<{ employees: Employee[] }>('bamboohr', 'employees.json');
  const aheadFixture = fixture<{ employees: Record<string, Employee> }>('bamboohr', 'ahead.json');
  const employees = new Map(
    (opts.employees ?? base.employees).map((e) => [String(e.id), { ...e }]),
  );
  const ahead = new Map(Object.entries(opts.ahead ?? aheadFixture.employees));
  const changed = new Map<string, { at: Date; action: string }>();
  const start = new Date('2026-01-01T00:00:00Z');
  for (const id of employees.keys()) changed.set(id, { at: start, action: 'Inserted' });

  const view = (e: Employee, fields: string[], onlyCurrent: boolean): Employee => {
    const values = onlyCurrent ? e : { ...e, ...ahead.get(String(e.id)) };
    const out: Employee = { id: e.id };
    for (const f of fields) if (Object.hasOwn(values, f)) out[f] = values[f];
    return out;
  };

  const fake = (await startFakeServer((r) => {
    const edit = /^\/_fake\/employees\/([^/]+)$/.exec(r.path);
    if (opts.control && r.method === 'PATCH' && edit) {
      fake.update(decodeURIComponent(edit[1]!), JSON.parse(r.body) as Employee, now());
      return { status: 204 };
    }
    const auth = basicCredentials(r);
    if (auth?.user !== opts.apiKey)
      return { status: 401, headers: { 'x-bamboohr-error-message': 'Invalid API key' } };
    const onlyCurrent = r.query.get('onlyCurrent') !== 'false';
    if (r.method === 'POST' && r.path === '/api/v1/reports/custom') {
      if (fake.reportOverride) return fake.reportOverride;
      if (r.headers['content-type'] !== 'application/json')
        return { status: 400, body: { error: 'Content-Type must be application/json' } };
      const { fields } = JSON.parse(r.body) as { fields: string[] };
      return {
        status: 200,
        body: {
          title: 'Tenure roster',
          fields: fields.map((id) => ({ id, type: 'text', name: id })),
          employees: [...employees.values()].map((e) => view(e, fields, onlyCurrent)),
        },
      };
    }
    if (r.method === 'GET' && r.path === '/api/v1/employees/changed') {
      const since = Date.parse(r.query.get('since') ?? '');
      if (Number.isNaN(since)) return { status: 400, body: { error: 'since must be ISO 8601' } };
      const list: Record<string, unknown> = {};
      for (const [id, c] of changed)
        if (c.at.getTime() > since)
          list[id] = { id, action: c.action, lastChanged: bambooTime(c.at) };
      return { status: 200, body: { latest: bambooTime(now()), employees: list } };
    }
    const one = /^\/api\/v1\/employees\/([^/]+)$/.exec(r.path);
    if (r.method === 'GET' && one) {
      const e = employees.get(decodeURIComponent(one[1]!));
      if (!e) return { status: 404 };
      return { status: 200, body: view(e, (r.query.get('fields') ?? '').split(','), onlyCurrent) };
    }
    return { status: 404, body: { error: `no route ${r.method} ${r.path}` } };
  })) as FakeBamboo;
  fake.employees = employees;
  fake.ahead = ahead;
  fake.reportOverride = undefined;
  fake.update = (id, patch, at) => {
    employees.set(id, { ...employees.get(id), ...patch, id });
    changed.set(id, { at, action: 'Updated' });
  };
  fake.setAhead = (id, values, at) => {
    if (values) ahead.set(id, values);
    else ahead.delete(id);
    changed.set(id, { at, action: 'Updated' });
  };
  fake.remove = (id, at) => {
    employees.delete(id);
    changed.set(id, { at, action: 'Deleted' });
  };
  return fake;
}
