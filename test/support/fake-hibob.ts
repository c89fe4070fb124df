/**
 * A fake HiBob API on 127.0.0.1 built from test/fixtures/hibob/people-search.json: people search
 * with `showInactive` and one `root.id` filter, service-user Basic auth (401 otherwise).
 */
import { valueAt } from '../../src/sources/hibob/paths.js';
import {
  basicCredentials,
  type FakeReply,
  type FakeServer,
  fixture,
  startFakeServer,
} from './fake-http.js';

type Person = Record<string, unknown>;

export type FakeHibob = FakeServer & {
  /** By root id. */
  people: Map<string, Person>;
  /** HR edits someone: a deep merge of `patch` into their nested record. */
  update(id: string, patch: Person): void;
  searchOverride: FakeReply | undefined;
};

const merge = (a: Person, b: Person): Person => {
  const out: Person = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object'
        ? merge(cur as Person, v as Person)
        : v;
  }
  return out;
};

export async function startFakeHibob(opts: { user: string; token: string }): Promise<FakeHibob> {
  const base = fixture<{ employees: Person[] }>('hibob', 'people-search.json');
  const people = new Map(base.employees.map((p) => [String(valueAt(p, 'root.id')), p]));
  const fake = (await startFakeServer((r) => {
    const auth = basicCredentials(r);
    if (auth?.user !== opts.user || auth.password !== opts.token)
      return { status: 401, body: { error: 'Unauthorized' } };
    if (r.method === 'POST' && r.path === '/v1/people/search') {
      if (fake.searchOverride) return fake.searchOverride;
      const q = JSON.parse(r.body) as {
        showInactive?: boolean;
        filters?: { fieldPath: string; operator: string; values: string[] }[];
      };
      if ((q.filters?.length ?? 0) > 1)
        return { status: 400, body: { error: 'one filter at most' } };
      const ids = q.filters?.[0]?.values;
      const employees = [...people.entries()]
        .filter(([, p]) => q.showInactive === true || valueAt(p, 'internal.status') !== 'Inactive')
        .filter(([id]) => !ids || ids.includes(id))
        .map(([, p]) => p);
      return { status: 200, body: { employees } };
    }
    return { status: 404, body: { error: `no route ${r.method} ${r.path}` } };
  })) as FakeHibob;
  fake.people = people;
  fake.searchOverride = undefined;
  fake.update = (id, patch) => people.set(id, merge(people.get(id) ?? {}, patch));
  return fake;
}
