/**
 * Joiner, mover and leaver through the engine into two real targets in the same run — slapd (ldap)
 * and SCIMMY (scim) — on SQLite and PostgreSQL: both sides provisioned, both deprovisioned, both
 * outcomes recorded (operations and audit), and a second run changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '../../src/domain/types.js';
import { reconcile } from '../../src/engine/reconcile/reconcile.js';
import { prepareRun } from '../../src/engine/runs/prepare-run.js';
import { applyRun, fullRun } from '../../src/engine/runs/runs.js';
import { testDialects } from '../support/databases.js';
import { entryAt, makeSubtree, type Subtree, settingsYaml, slapdEnv } from '../support/ldap.js';
import { type ScimServer, type ScimTenant, startScimServer } from '../support/scim-server.js';
import { person } from '../support/small-org.js';
import { auditEvents, makeWorkspace, type TestWorkspace } from '../support/workspace.js';

const d = slapdEnv();
const actor = 'admin:test';

const yaml = (dir: Subtree, scim: ScimTenant) => `
organisation: { name: Two Targets Co, time_zone: UTC }
sources: [{ id: hr, type: file, path: hr/people.csv }]
applications:
  - id: dir
    connector: ldap
    ${settingsYaml(d!, dir)}
    entitlements: [{ id: staff }, { id: eng }, { id: sales }]
  - id: saas
    connector: scim
    account_id: "{email}"
    settings:
      base_url: ${scim.url}
      auth: { type: bearer, token: "\${env:TENURE_TEST_SCIM_TOKEN}" }
      attributes: { mail: 'emails[type eq "work"].value' }
      groups: { all-staff: "All Staff" }
    entitlements: [{ id: all-staff }, { id: eng-tools }, { id: sales-crm }]
policies:
  - id: all
    accounts:
      - application: dir
        container: "ou={department}"
        attributes: { cn: "{display_name}", sn: "{last_name}", mail: "{email}" }
        entitlements: [staff]
      - application: saas
        attributes: { displayName: "{display_name}", name.givenName: "{first_name}", name.familyName: "{last_name}", mail: "{email}", title: "{title}" }
        entitlements: [all-staff]
  - id: eng
    when: { equals: { department: Engineering } }
    accounts: [{ application: dir, entitlements: [eng] }, { application: saas, entitlements: [eng-tools] }]
  - id: sales
    when: { equals: { department: Sales } }
    accounts: [{ application: dir, entitlements: [sales] }, { application: saas, entitlements: [sales-crm] }]
`;

const people = () => [
  person(1, { department: 'Engineering', title: 'Head of Engineering' }),
  person(2, { department: 'Engineering', manager_id: 'P001' }),
  person(3, { department: 'Engineering', manager_id: 'P001' }),
  person(4, { department: 'Sales', first_name: 'Zoë', last_name: 'a+b"c\\<d>;e=f' }),
  person(5, { department: 'Sales' }),
  person(6, { department: 'Sales' }),
];

describe.skipIf(!d).each(d ? testDialects() : ['sqlite' as const])(
  'ldap + scim JML in one run on %s',
  (dialect) => {
    let server: ScimServer;
    let scim: ScimTenant;
    let dir: Subtree;
    let t: TestWorkspace;
    let day2: Operation[] = [];
    const dn = (id: string, ou: string) => `uid=${id},ou=${ou},${dir.usersBase}`;
    const members = (group: string) => {
      const names = new Map([...scim.users.values()].map((u) => [u.id, String(u.userName)]));
      const list = (scim.group(group)?.members ?? []) as { value: string }[];
      return list.map((m) => names.get(m.value)).sort();
    };

    beforeAll(async () => {
      server = await startScimServer();
      scim = server.tenant({ etag: true });
      process.env.TENURE_TEST_SCIM_TOKEN = scim.token;
      dir = await makeSubtree(d!, 'jml2');
      t = await makeWorkspace(dialect, { yaml: yaml(dir, scim), demoFiles: false });
      t.writeHr('people.csv', people());
    });
    afterAll(async () => {
      await t?.cleanup();
      await dir?.cleanup();
      await server?.close();
    });

    it('joiners: an account in both targets with their birthright groups', async () => {
      const run = await fullRun(t.ws, { actor, trigger: 'test:day1' });
      expect(run.apply.execution?.failures).toEqual([]);
      expect(Object.keys(run.apply.execution?.byApp ?? {}).sort()).toEqual(['dir', 'saas']);
      expect(scim.users.size).toBe(6);
      expect(scim.user('p4@small.example')).toMatchObject({
        displayName: 'Zoë a+b"c\\<d>;e=f',
        name: { givenName: 'Zoë', familyName: 'a+b"c\\<d>;e=f' },
        emails: [{ type: 'work', value: 'p4@small.example' }],
        active: true,
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: 'P004' },
      });
      expect(members('All Staff')).toHaveLength(6);
      expect(members('eng-tools')).toEqual([
        'p1@small.example',
        'p2@small.example',
        'p3@small.example',
      ]);
      expect((await entryAt(dir.admin, dn('P002', 'Engineering')))?.memberof?.length).toBe(2);
    });

    it('mover and leaver: both targets change in one run, and the run records both', async () => {
      t.writeHr('people.csv', [
        ...people().filter((p) => !['P002', 'P003'].includes(p.employee_id)),
        person(2, { department: 'Sales', manager_id: 'P001' }),
        person(3, { department: 'Engineering', status: 'terminated', end_date: '2026-11-25' }),
      ]);
      t.setNow('2026-11-26T10:00:00Z');
      const run = await fullRun(t.ws, { actor, trigger: 'test:day2' });
      expect(run.apply.execution?.failures).toEqual([]);
      day2 = run.apply.plan.ops;

      // Mover: eng -> sales on both sides.
      expect(members('eng-tools')).toEqual(['p1@small.example']);
      expect(members('sales-crm')).toContain('p2@small.example');
      expect((await entryAt(dir.admin, dn('P002', 'Sales')))?.memberof?.sort()).toEqual([
        `cn=sales,${dir.groupsBase}`,
        `cn=staff,${dir.groupsBase}`,
      ]);

      // Leaver: disabled and stripped in both.
      expect(scim.user('p3@small.example')?.active).toBe(false);
      expect(members('All Staff')).not.toContain('p3@small.example');
      const p3 = await entryAt(dir.admin, dn('P003', 'Engineering'));
      expect(p3?.pwdaccountlockedtime).toEqual(['000001010000Z']);
      expect(p3?.memberof).toBeUndefined();

      const ops = await t.ws.store.runs.operations(run.apply.run_id!);
      const leaver = ops.filter((o) => o.op.identity_id === 'P003');
      expect(leaver.map((o) => [o.op.app_id, o.op.kind, o.status]).sort()).toEqual([
        ['dir', 'account.disable', 'success'],
        ['dir', 'entitlement.revoke', 'success'],
        ['dir', 'entitlement.revoke', 'success'],
        ['saas', 'account.disable', 'success'],
        ['saas', 'entitlement.revoke', 'success'],
        ['saas', 'entitlement.revoke', 'success'],
      ]);
      const audit = (await auditEvents(t.ws)).filter(
        (e) => e.trigger === `run:${run.apply.run_id}` && e.action === 'account.disable',
      );
      expect(audit.map((e) => [e.target, e.outcome, e.actor]).sort()).toEqual([
        ['account:dir/P003', 'success', 'hr:hr:leaver'],
        ['account:saas/p3@small.example', 'success', 'hr:hr:leaver'],
      ]);
      const stored = await t.ws.store.accounts.forIdentity('P003');
      expect(stored.map((a) => [a.app_id, a.enabled, a.entitlements]).sort()).toEqual([
        ['dir', false, []],
        ['saas', false, []],
      ]);
    });

    it('a re-run has nothing to do; re-applying the plan writes nothing to the SCIM server', async () => {
      expect((await prepareRun(t.ws)).ops).toEqual([]);
      expect((await applyRun(t.ws, { actor, trigger: 'test:again' })).status).toBe('nothing_to_do');
      scim.log.length = 0;
      const connector = await t.ws.connector('saas');
      const saasOps = day2.filter((o) => o.app_id === 'saas');
      expect(saasOps.length).toBeGreaterThan(3);
      for await (const r of connector.apply(saasOps)) expect(r.outcome, r.message).toBe('success');
      expect(scim.log.filter((r) => r.method !== 'GET')).toEqual([]);
    });

    it('reconciliation of the scim application agrees with the store', async () => {
      const result = await reconcile(t.ws, { appId: 'saas', actor });
      const app = result.apps[0]!;
      expect(app.status, JSON.stringify(app.error)).toBe('done');
      expect(await t.ws.store.reconciliations.findings(app.reconciliation_id!)).toEqual([]);
      expect((await prepareRun(t.ws)).ops).toEqual([]);
    });
  },
);
