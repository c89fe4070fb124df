/**
 * Manager links are never dropped silently: a manager created later in the run (in a later batch
 * of 500) is linked, and a link that cannot be written is retried by the next plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRun } from '../../src/engine/runs/prepare-run.js';
import { fullRun } from '../../src/engine/runs/runs.js';
import { entryAt, makeSubtree, type Subtree, settingsYaml, slapdEnv } from '../support/ldap.js';
import { person } from '../support/small-org.js';
import { makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const d = slapdEnv();
const actor = 'admin:test';

const yaml = (t: Subtree) => `
organisation: { name: LDAP Co, time_zone: UTC }
sources: [{ id: hr, type: file, path: hr/people.csv }]
applications:
  - id: dir
    connector: ldap
    account_id: "{employee_id}"
    ${settingsYaml(d!, t)}
policies:
  - id: all
    accounts:
      - application: dir
        attributes: { cn: "{display_name}", sn: "{last_name}", manager: "{manager_id}" }
`;

describe.skipIf(!d)('ldap manager links', () => {
  let t: TestWorkspace;
  let dir: Subtree;
  const dn = (id: string) => `uid=${id},${dir.usersBase}`;

  beforeAll(async () => {
    dir = await makeSubtree(d!, 'mgr');
    t = await makeWorkspace('sqlite', { yaml: yaml(dir), demoFiles: false });
  });
  afterAll(async () => {
    await t?.cleanup();
    await dir?.cleanup();
  });

  it('links every report to a manager who is the last of 1,100 people (three batches)', async () => {
    const n = 1100;
    const boss = `P${n}`;
    t.writeHr('people.csv', [
      ...Array.from({ length: n - 1 }, (_, i) => person(i + 1, { manager_id: boss })),
      person(n),
    ]);
    const run = await fullRun(t.ws, { actor, trigger: 'test:wave' });
    expect(run.apply.execution?.failures).toEqual([]);
    for (const i of [1, 2, 499, 500, 501, 999, 1000, 1099]) {
      const e = await entryAt(dir.admin, dn(`P${String(i).padStart(3, '0')}`));
      expect(e?.manager, `P${i}`).toEqual([dn(boss)]);
    }
    expect((await prepareRun(t.ws)).ops).toEqual([]);
  });

  it('a manager link that cannot be written is proposed again by the next plan', async () => {
    // The manager is in HR but has no account in the directory (deleted by hand after the run).
    await dir.admin.del(dn('P1100'));
    t.writeHr('people.csv', [
      ...Array.from({ length: 1099 }, (_, i) => person(i + 1, { manager_id: 'P1100' })),
      person(1100),
      person(1101, { manager_id: 'P1100' }),
    ]);
    const first = await fullRun(t.ws, { actor, trigger: 'test:gone' });
    const create = first.apply.plan.ops.find(
      (o) => o.identity_id === 'P1101' && o.kind === 'account.create',
    );
    expect(create).toBeDefined();
    const stored = (await t.ws.store.accounts.forIdentity('P1101'))[0];
    expect(stored?.attributes.manager).toBeUndefined();
    const next = await prepareRun(t.ws);
    const update = next.ops.find((o) => o.identity_id === 'P1101');
    expect(update?.kind).toBe('account.update');
    expect(update?.attributes?.manager).toBe('P1100');
  });
});
