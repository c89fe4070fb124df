/**
 * Reconciliation of a sizeable directory: correlate + classify + store 10,000 accounts read from
 * a synthetic in-memory connector, then a re-run that changes nothing. Functional only: how fast
 * reconciliation is belongs in `npm run bench`, never in an assertion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountRecord, Connector } from '../../src/connectors/contract.js';
import { reconcile } from '../../src/engine/reconcile/reconcile.js';
import { testDialects } from '../support/databases.js';
import { person } from '../support/small-org.js';
import { makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const N = 10_000;
const MISSING_EVERY = 1000; // 10 people without their account
const DRIFT_EVERY = 200; // an unjustified admin entitlement (40: every 1000th is missing)
const ORPHANS = N / MISSING_EVERY; // as many orphans, so exactly N accounts are read
const LINKED = N - N / MISSING_EVERY;
const DRIFT = N / DRIFT_EVERY - N / MISSING_EVERY;

const YAML = `
organisation: { name: Big Co, time_zone: Europe/Paris }
sources: [{ id: hr, type: file, path: hr/people.csv }]
applications:
  - id: dir
    connector: csv-export
    settings: { path: out/dir.csv }
    entitlements: [{ id: staff }, { id: eng }, { id: sales }, { id: admin, privileged: true }]
policies:
  - id: all
    accounts: [{ application: dir, attributes: { cn: "{display_name}" }, entitlements: [staff] }]
  - id: eng
    when: { equals: { department: Engineering } }
    accounts: [{ application: dir, entitlements: [eng] }]
  - id: sales
    when: { equals: { department: Sales } }
    accounts: [{ application: dir, entitlements: [sales] }]
`;

function* accounts(): Generator<AccountRecord> {
  for (let n = 1; n <= N; n++) {
    if (n % MISSING_EVERY === 0) continue;
    const p = person(n);
    const entitlements = ['staff', p.department === 'Engineering' ? 'eng' : 'sales'];
    if (n % DRIFT_EVERY === 0) entitlements.push('admin');
    yield {
      account_id: p.employee_id,
      employee_id: p.employee_id,
      enabled: true,
      container: null,
      entitlements,
      attributes: { cn: `${p.first_name} ${p.last_name}` },
    };
  }
  for (let i = 1; i <= ORPHANS; i++) {
    yield {
      account_id: `svc-${i}`,
      employee_id: null,
      enabled: true,
      container: null,
      entitlements: ['staff'],
      attributes: {},
    };
  }
}

/** Stands in for a directory: read() yields the synthetic accounts; it is never written to. */
const synthetic = (): Connector => ({
  check: async () => ({ ok: true, checks: [] }),
  read: async function* () {
    yield* accounts();
  },
  apply: () => {
    throw new Error('reconciliation must not write to the target');
  },
  close: async () => {},
});

describe.each(testDialects())('reconciliation of 10,000 accounts on %s', (dialect) => {
  let t: TestWorkspace;

  beforeAll(async () => {
    t = await makeWorkspace(dialect, { yaml: YAML, demoFiles: false });
    const identities = Array.from({ length: N }, (_, i) => {
      const attributes = person(i + 1);
      return {
        identity: {
          id: attributes.employee_id,
          source_id: 'hr',
          attributes,
          status: 'active' as const,
          missing_from_source: false,
          updated_at: '2026-01-01T00:00:00.000Z',
        },
        events: ['joiner'],
      };
    });
    await t.ws.store.identities.save(identities, '2026-01-01T00:00:00.000Z');
    t.ws.connector = async () => synthetic();
  }, 300_000);
  afterAll(() => t?.cleanup());

  it('correlates and stores them all, and a re-run writes nothing', async () => {
    const first = await reconcile(t.ws, { appId: 'dir' });
    const dir = first.apps[0]!;
    expect(dir.status).toBe('done');
    expect(dir.counts).toMatchObject({
      accounts: N,
      linked: LINKED,
      orphan: ORPHANS,
      drift: DRIFT,
      missing: N / MISSING_EVERY,
      ambiguous: 0,
      unmanaged: 0,
    });
    // Linked: enabled + 2 entitlements (+ admin on drifted ones); orphans: enabled + staff.
    expect(dir.changes).toMatchObject({
      accounts_added: N,
      access_opened: LINKED * 3 + DRIFT + ORPHANS * 2,
    });

    t.setNow('2026-11-26T10:00:00Z');
    const second = await reconcile(t.ws, { appId: 'dir' });
    expect(second.apps[0]?.changes).toEqual({
      accounts_added: 0,
      accounts_updated: 0,
      accounts_removed: 0,
      access_opened: 0,
      access_closed: 0,
    });
  }, 300_000);
});
