/** A small organisation and config for engine tests that need exact numbers. */
import type { HrRecord } from '../../src/domain/types.js';

export const SMALL_YAML = (over: { timeZone?: string; leave?: 'keep' | 'disable' } = {}) => `
organisation: { name: Small Co, time_zone: ${over.timeZone ?? 'Asia/Tokyo'} }
sources: [{ id: hr, type: file, path: hr/people.csv }]
applications:
  - id: dir
    connector: csv-export
    settings: { path: out/dir.csv }
    entitlements: [{ id: staff }, { id: eng }, { id: sales }]
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
lifecycle: { prehire_days: 2, leave: ${over.leave ?? 'keep'} }
safety: { max_deprovision_share: 0.1, min_deprovision_count: 5, max_snapshot_drop: 0.2 }
`;

export const person = (n: number, over: Partial<HrRecord> = {}): HrRecord => ({
  employee_id: `P${String(n).padStart(3, '0')}`,
  first_name: `First${n}`,
  last_name: `Last${n}`,
  preferred_name: null,
  email: `p${n}@small.example`,
  department: n % 2 === 0 ? 'Engineering' : 'Sales',
  title: 'Staff',
  manager_id: null,
  location: 'Tokyo',
  employment_type: 'employee',
  status: 'active',
  start_date: '2024-04-01',
  end_date: null,
  ...over,
});

export const org = (n: number) => Array.from({ length: n }, (_, i) => person(i + 1));
