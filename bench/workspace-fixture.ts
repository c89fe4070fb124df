/** Bench fixture: a temp workspace (30 csv-export apps, 20 policies, synthetic HR CSV) and its populated actual state. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { createSigningKey } from '../src/audit/signing-key.js';
import type { Condition } from '../src/config/schema.js';
import type { AccountRecord } from '../src/connectors/contract.js';
import { writeAccountFile } from '../src/connectors/csv-export/csv-file.js';
import { desiredState } from '../src/domain/desired.js';
import type { DesiredAccount } from '../src/domain/types.js';
import { planningContext } from '../src/engine/settings.js';
import { openWorkspace } from '../src/engine/workspace.js';
import { toJson } from '../src/store/codec.js';
import { isMain, report, runChild } from './child.js';
import { syntheticOrg, toCsv } from './synthetic-org.js';

export const HR_FILE = 'hr/employees.csv';
/** A one-row partial source: how an HR event (webhook, delta export) reaches Tenure. */
export const DELTA_FILE = 'hr/delta.csv';
export const APPS = 30;

/** The departments of bench/synthetic-org.ts (Executive is the CEO alone: no department policy). */
export const DEPARTMENTS = [
  'Engineering',
  'Product',
  'Sales',
  'Marketing',
  'Finance',
  'People',
  'Support',
  'IT',
  'Legal',
  'Operations',
  'Data',
  'Customer Success',
];

const appId = (i: number) => `app${String(i).padStart(2, '0')}`;
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

type Account = {
  application: string;
  entitlements: string[];
  attributes?: Record<string, string>;
  container?: string;
};
const policy = (id: string, when: Condition | undefined, accounts: Account[]) => ({
  id,
  ...(when && { when }),
  accounts,
});

/**
 * 30 csv-export applications and 20 policies: everyone (4 apps), employees (2), contractors (1),
 * one per department (12 × 2 department apps out of 18), three regions, remote-or-IT and senior
 * staff. About 21 entitlements per non-terminated person: ~2 M for 100 k people.
 */
export function benchConfig(): Record<string, unknown> {
  const ents = new Map<string, Set<string>>();
  const acc = (
    app: number,
    entitlements: string[],
    extra: Omit<Account, 'application' | 'entitlements'> = {},
  ): Account => {
    const set = ents.get(appId(app)) ?? new Set<string>();
    for (const e of entitlements) set.add(e);
    ents.set(appId(app), set);
    return { application: appId(app), entitlements, ...extra };
  };
  const policies = [
    policy('everyone', undefined, [
      acc(0, ['all-staff', 'sso'], {
        attributes: {
          cn: '{display_name}',
          mail: '{email}',
          title: '{title}',
          department: '{department}',
          location: '{location}',
        },
        container: 'ou={department},ou=people',
      }),
      acc(1, ['member', 'wiki'], { attributes: { mail: '{email}' } }),
      acc(2, ['user', 'calendar'], { attributes: { name: '{display_name}' } }),
      acc(3, ['user', 'chat'], { attributes: { name: '{display_name}' } }),
    ]),
    policy('employees', { equals: { employment_type: 'employee' } }, [
      acc(4, ['benefits', 'payslips', 'pension'], {
        attributes: { name: '{first_name} {last_name}' },
      }),
      acc(5, ['learning', 'expenses']),
    ]),
    policy('contractors', { equals: { employment_type: 'contractor' } }, [
      acc(6, ['contractor', 'timesheet'], { attributes: { mail: '{email}' } }),
    ]),
    ...DEPARTMENTS.map((d, i) =>
      policy(
        `dept-${slug(d)}`,
        { equals: { department: d } },
        [7 + ((2 * i) % 18), 7 + ((2 * i + 1) % 18)].map((a) =>
          acc(
            a,
            ['read', 'write', 'share'].map((r) => `${slug(d)}-${r}`),
            {
              attributes: { title: '{title}' },
            },
          ),
        ),
      ),
    ),
    policy('europe', { in: { location: ['Paris', 'London', 'Berlin', 'Madrid'] } }, [
      acc(25, ['eu-vpn', 'eu-printers']),
    ]),
    policy('americas', { in: { location: ['New York', 'Toronto', 'São Paulo'] } }, [
      acc(26, ['am-vpn', 'am-printers']),
    ]),
    policy('apac', { in: { location: ['Singapore', 'Sydney', 'Bengaluru', 'Tokyo'] } }, [
      acc(27, ['ap-vpn', 'ap-printers']),
    ]),
    policy(
      'remote-or-it',
      { or: [{ equals: { location: 'Remote' } }, { equals: { department: 'IT' } }] },
      [acc(28, ['remote-vpn'])],
    ),
    policy(
      'senior-staff',
      {
        and: [
          {
            regex: {
              title: '^(Senior|Staff|Regional|Engineering Manager|Analytics Manager|Controller)',
            },
          },
          { not: { equals: { employment_type: 'contractor' } } },
        ],
      },
      [acc(29, ['approver', 'reports', 'budget'])],
    ),
  ];
  const applications = Array.from({ length: APPS }, (_, i) => ({
    id: appId(i),
    name: `Application ${i}`,
    connector: 'csv-export',
    ...(i % 3 === 1 && { account_id: '{email}' }),
    settings: { path: `out/${appId(i)}.csv` },
    entitlements: [...(ents.get(appId(i)) ?? [])].sort().map((id) => ({ id })),
  }));
  return {
    version: 1,
    organisation: { name: 'Bench Org', time_zone: 'Europe/Paris' },
    sources: [
      { id: 'hr', type: 'file', path: HR_FILE, format: 'csv', snapshot: 'full' },
      { id: 'hr-events', type: 'file', path: DELTA_FILE, format: 'csv', snapshot: 'partial' },
    ],
    applications,
    policies,
  };
}

/** tenure.yaml + the HR CSV of `n` synthetic people + .tenure/ with the audit signing key. */
export function writeWorkspace(dir: string, n: number): void {
  mkdirSync(join(dir, 'hr'), { recursive: true });
  writeFileSync(join(dir, 'tenure.yaml'), stringify(benchConfig()));
  writeFileSync(join(dir, HR_FILE), toCsv(syntheticOrg(n)));
  createSigningKey(join(dir, '.tenure'));
}

export type PopulateFigures = {
  accounts: number;
  entitlements: number;
  seconds: number;
  max_rss_mb: number;
};

/**
 * Child side. Makes actual state equal desired state — what a fully successful apply leaves — without
 * running 3 M operations through the connectors: identities must be imported already. Rows go
 * straight into SQLite (`accounts` + open `access_history` rows, as store/apply-operation.ts
 * writes them) and the csv-export files are written with the connector's own writer. No audit
 * events are written for this setup.
 */
export async function populateActualState(
  dir: string,
): Promise<Omit<PopulateFigures, 'max_rss_mb'>> {
  const t = performance.now();
  const ws = await openWorkspace(dir);
  let desired: Map<string, DesiredAccount[]>;
  try {
    const identities = await ws.store.identities.all();
    desired = desiredState(identities, new Map(), planningContext(ws.config, ws.clock()));
  } finally {
    await ws.close();
  }
  const at = new Date().toISOString();
  const db = new Database(join(dir, '.tenure', 'tenure.db'));
  const files = new Map<string, AccountRecord[]>();
  let accounts = 0;
  let entitlements = 0;
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -1000000');
    // Millions of rows go in faster without their indexes, rebuilt (from the schema's own SQL) after.
    const indexes = db
      .prepare(
        `select name, sql from sqlite_master where type = 'index' and sql is not null
         and tbl_name in ('accounts', 'access_history')`,
      )
      .all() as { name: string; sql: string }[];
    const insAccount = db.prepare(
      `insert into accounts (app_id, account_id, identity_id, attributes, container, enabled, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insAccess = db.prepare(
      `insert into access_history (app_id, account_id, identity_id, entitlement_id, valid_from, valid_to)
       values (?, ?, ?, ?, ?, null)`,
    );
    db.transaction(() => {
      for (const { name } of indexes) db.exec(`drop index "${name}"`);
      for (const list of desired.values()) {
        for (const d of list) {
          const held = Object.keys(d.entitlements).sort();
          const attrs = toJson(d.attributes);
          insAccount.run(
            d.app_id,
            d.account_id,
            d.identity_id,
            attrs,
            d.container,
            d.enabled ? 1 : 0,
            at,
            at,
          );
          if (d.enabled) insAccess.run(d.app_id, d.account_id, d.identity_id, null, at);
          for (const e of held) insAccess.run(d.app_id, d.account_id, d.identity_id, e, at);
          accounts++;
          entitlements += held.length;
          let file = files.get(d.app_id);
          if (!file) files.set(d.app_id, (file = []));
          file.push({
            account_id: d.account_id,
            employee_id: d.identity_id,
            enabled: d.enabled,
            container: d.container,
            entitlements: held,
            attributes: d.attributes,
          });
        }
      }
      for (const { sql } of indexes) db.exec(sql);
    })();
  } finally {
    db.close();
  }
  for (const [app, records] of files)
    await writeAccountFile(join(dir, 'out', `${app}.csv`), records);
  return { accounts, entitlements, seconds: (performance.now() - t) / 1000 };
}

/** Parent side: populate in a child process (it holds the whole desired state at once). */
export const populate = (dir: string): Promise<PopulateFigures> =>
  runChild<PopulateFigures>(import.meta.url, [dir]);

if (isMain(import.meta.url)) report(await populateActualState(process.argv[2]!));
