/** Shared by the reconciliation tests: a small config, an organisation, and hand edits to the csv-export target. */
import type { AccountRecord } from '../../src/connectors/contract.js';
import { readAccountFile, writeAccountFile } from '../../src/connectors/csv-export/csv-file.js';
import type { StoredFinding } from '../../src/store/reconcile-repo.js';
import { org, person } from '../support/small-org.js';

export const RECONCILE_YAML = (orphans: 'report' | 'disable' = 'report') => `
organisation: { name: Small Co, time_zone: Asia/Tokyo }
sources: [{ id: hr, type: file, path: hr/people.csv }]
applications:
  - id: dir
    connector: csv-export
    settings: { path: out/dir.csv }
    orphans: ${orphans}
    correlation: [{ attribute: employee_id }, { attribute: mail, identity: email }, { account_id: true }]
    entitlements: [{ id: staff }, { id: eng }, { id: sales }, { id: admin, privileged: true }]
  - id: legacy
    connector: manual
    entitlements: [{ id: user }]
policies:
  - id: all
    accounts:
      - { application: dir, attributes: { cn: "{display_name}" }, entitlements: [staff] }
      - { application: legacy, entitlements: [user] }
  - id: eng
    when: { equals: { department: Engineering } }
    accounts: [{ application: dir, entitlements: [eng] }]
  - id: sales
    when: { equals: { department: Sales } }
    accounts: [{ application: dir, entitlements: [sales] }]
safety: { max_deprovision_share: 0.5, min_deprovision_count: 5 }
`;

/** 10 active people and P011, already gone at the first import (so never provisioned). */
export const RECONCILE_ORG = [
  ...org(10),
  person(11, { status: 'terminated', end_date: '2025-01-31' }),
];

/** Edits the csv-export "target" by hand, as someone with access to it would. */
export async function plant(file: string, edit: (accounts: Map<string, AccountRecord>) => void) {
  const accounts = await readAccountFile(file);
  edit(accounts);
  await writeAccountFile(file, accounts.values());
}

export const plantFindings = (file: string) =>
  plant(file, (a) => {
    // An orphan nobody owns, and the account of a person who left, still enabled.
    a.set('svc-backup', {
      account_id: 'svc-backup',
      employee_id: null,
      enabled: true,
      container: null,
      entitlements: ['staff'],
      attributes: { cn: 'Backup' },
    });
    a.set('p011', {
      account_id: 'p011',
      employee_id: null,
      enabled: true,
      container: null,
      entitlements: ['staff'],
      attributes: { cn: 'First11 Last11', mail: 'P11@small.example' },
    });
    // Privilege creep: an engineer also in sales and admin.
    a.get('P002')!.entitlements.push('sales', 'admin');
    // A desired account someone deleted.
    a.delete('P004');
  });

export const findingRows = (r: StoredFinding[]) =>
  r.map((f) => [f.kind, f.reason, f.account_id, f.identity_id, f.entitlement_id]);
