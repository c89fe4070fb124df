/** Small builders for store tests: identities, operations and audit inputs with sane defaults. */
import type { HrRecord, Identity, Operation, OperationKind } from '../../src/domain/types.js';
import type { AuditInput } from '../../src/store/types.js';

export const hrRecord = (id: string, over: Partial<HrRecord> = {}): HrRecord => ({
  employee_id: id,
  first_name: 'Ada',
  last_name: `Person${id}`,
  preferred_name: null,
  email: `p${id}@example.com`,
  department: 'Engineering',
  title: 'Engineer',
  manager_id: null,
  location: 'Paris',
  employment_type: 'employee',
  status: 'active',
  start_date: '2024-01-15',
  end_date: null,
  ...over,
});

export const identity = (
  id: string,
  over: Partial<Identity> = {},
  hr: Partial<HrRecord> = {},
): Identity => ({
  id,
  source_id: 'hr',
  attributes: hrRecord(id, hr),
  status: 'active',
  missing_from_source: false,
  updated_at: '2026-01-01T00:00:00.000Z',
  ...over,
});

export const operation = (kind: OperationKind, over: Partial<Operation> = {}): Operation => ({
  key: `${kind}:${over.app_id ?? 'ldap'}:${over.account_id ?? 'ada'}:${over.entitlement ?? ''}`,
  kind,
  app_id: 'ldap',
  identity_id: 'E1',
  account_id: 'ada',
  reasons: ['birthright:all'],
  lifecycle: ['joiner'],
  ...over,
});

export const auditInput = (i: number, over: Partial<AuditInput> = {}): AuditInput => ({
  action: 'account.create',
  actor: 'rule:engineering',
  trigger: 'run:r1',
  target: `account:ldap/user${i}`,
  outcome: 'success',
  details: { index: i, note: 'line\nbreak, "quoted"' },
  ...over,
});

/** A clock tests can move: `clock.set('2026-…')`, `clock.advance(ms)`. */
export const testClock = (start = '2026-03-01T09:00:00.000Z') => {
  let now = new Date(start).getTime();
  const clock = () => new Date(now);
  clock.set = (iso: string) => {
    now = new Date(iso).getTime();
  };
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
};
