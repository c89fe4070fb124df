/** A small organisation for review tests: managers, owners who hold the access they own, a request grant, drift. */
import type { CampaignDefinitionInput } from '../../src/config/reviews-schema.js';
import { fullRun } from '../../src/engine/runs/runs.js';
import type { ReviewCaller } from '../../src/governance/reviews/deps.js';
import type { TestDialect } from '../support/databases.js';
import { person } from '../support/small-org.js';
import { makeWorkspace, type TestWorkspace } from '../support/workspace.js';

export const REVIEWS_YAML = `
organisation: { name: Review Co, time_zone: UTC }
sources: [{ id: hr, type: file, path: hr/people.csv }]
applications:
  - id: dir
    connector: csv-export
    owner: p3@small.example
    settings: { path: out/dir.csv }
    entitlements:
      - { id: staff }
      - { id: eng }
      - { id: admin, owner: P004, privileged: true }
policies:
  - id: all
    accounts: [{ application: dir, entitlements: [staff] }]
  - id: eng
    when: { equals: { department: Engineering } }
    accounts: [{ application: dir, entitlements: [eng] }]
reviews:
  - id: quarterly
    name: "Directory access {period}"
    fallback_reviewer: P007
    stages: [{ strategy: manager }]
`;

/** P001 CEO; P002 runs Engineering (P003–P005); P006 sales; P007 security (the fallback). */
export const PEOPLE = [
  person(1, { department: 'Executive', title: 'CEO' }),
  person(2, { department: 'Engineering', title: 'Manager', manager_id: 'P001' }),
  person(3, { department: 'Engineering', title: 'Developer', manager_id: 'P002' }),
  person(4, { department: 'Engineering', title: 'Developer', manager_id: 'P002' }),
  person(5, { department: 'Engineering', title: 'Developer', manager_id: 'P002' }),
  person(6, { department: 'Sales', title: 'Rep', manager_id: 'P001' }),
  person(7, { department: 'Security', title: 'Officer', manager_id: 'P001' }),
];

export async function reviewsWorkspace(dialect: TestDialect): Promise<TestWorkspace> {
  const t = await makeWorkspace(dialect, {
    yaml: REVIEWS_YAML,
    demoFiles: false,
    now: '2026-12-01T09:00:00Z',
  });
  t.writeHr('people.csv', PEOPLE);
  await fullRun(t.ws, { actor: 'admin:setup', trigger: 'test' });
  const at = t.ws.clock().toISOString();
  // Requested admin rights for P003 and P004, held in the target.
  for (const who of ['P003', 'P004']) {
    await t.ws.store.grants.add(
      {
        identity_id: who,
        app_id: 'dir',
        entitlement_id: 'admin',
        reason: `request:r-${who}`,
        expires_at: null,
      },
      'admin:setup',
      at,
    );
    await grantInTarget(t, who, 'admin');
  }
  // Drift: P006 (sales) holds eng, which nothing gives them.
  await grantInTarget(t, 'P006', 'eng');
  return t;
}

async function grantInTarget(t: TestWorkspace, who: string, ent: string) {
  const key = `test:${who}:${ent}`;
  await t.ws.store.accounts.applyOperation(
    {
      key,
      kind: 'entitlement.grant',
      app_id: 'dir',
      identity_id: who,
      account_id: who,
      entitlement: ent,
      reasons: [],
      lifecycle: [],
    },
    { key, outcome: 'success' },
    t.ws.clock().toISOString(),
  );
}

export const definition = (
  over: Partial<CampaignDefinitionInput> = {},
): CampaignDefinitionInput => ({
  name: 'Directory review',
  scope: { applications: ['dir'] },
  stages: [{ strategy: 'manager' }],
  due_at: '2026-12-15T00:00:00Z',
  fallback_reviewer: 'P007',
  meaning: 'I certify that the access I approved is appropriate.',
  ...over,
});

/** A reviewer caller for identity `id` (their email is a ref too). */
export const reviewer = (id: string, role: ReviewCaller['role'] = 'reviewer'): ReviewCaller => ({
  actor: `reviewer:${id.toLowerCase()}`,
  role,
  refs: [id, `${id.replace('P00', 'p').toLowerCase()}@small.example`],
  identityId: id,
});
