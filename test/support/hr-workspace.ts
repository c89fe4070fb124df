/** A workspace whose HR source is an HR system's API (a fake one on 127.0.0.1), with a small directory app. */
import type { TestDialect } from './databases.js';
import { makeWorkspace, type TestWorkspace } from './workspace.js';

/** tenure.yaml around one source entry (YAML flow mapping text), schedules off. */
export const hrSystemYaml = (source: string, timeZone = 'Europe/Paris') => `
organisation: { name: Acme, time_zone: ${timeZone} }
sources:
  - ${source}
applications:
  - id: dir
    connector: csv-export
    settings: { path: out/dir.csv }
    entitlements: [{ id: staff }, { id: eng }, { id: sales }, { id: contractors }]
policies:
  - id: all
    accounts: [{ application: dir, attributes: { cn: "{display_name}" }, entitlements: [staff] }]
  - id: eng
    when: { equals: { department: Engineering } }
    accounts: [{ application: dir, entitlements: [eng] }]
  - id: sales
    when: { equals: { department: Sales } }
    accounts: [{ application: dir, entitlements: [sales] }]
  - id: contractors
    when: { equals: { employment_type: contractor } }
    accounts: [{ application: dir, entitlements: [contractors] }]
lifecycle: { prehire_days: 3, leave: keep }
schedules: { import_and_run: { enabled: false }, lifecycle_tick: { enabled: false }, reconcile: { enabled: false } }
`;

export const hrSystemWorkspace = (
  dialect: TestDialect,
  source: string,
  now: string,
): Promise<TestWorkspace> =>
  makeWorkspace(dialect, { yaml: hrSystemYaml(source), now, demoFiles: false });

/** Every lifecycle event of an import, as "E101 mover[employment_type]" lines, sorted. */
export const eventLines = (changes: { identity: string; events: { kind: string }[] }[]) =>
  changes
    .flatMap((c) =>
      c.events.map((e) => {
        const changed = (e as { changed?: string[] }).changed;
        return `${c.identity} ${e.kind}${changed ? `[${changed.join(',')}]` : ''}`;
      }),
    )
    .sort();
