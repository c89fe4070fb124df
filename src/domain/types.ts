/** Shared domain nouns: identities, lifecycle events, desired/actual state, operations. Pure types. */

/** Attribute names are snake_case everywhere: HR files, tenure.yaml conditions, templates, storage. */
export const HR_FIELDS = [
  'employee_id',
  'first_name',
  'last_name',
  'preferred_name',
  'email',
  'department',
  'title',
  'manager_id',
  'location',
  'employment_type',
  'status',
  'start_date',
  'end_date',
] as const;
export type HrField = (typeof HR_FIELDS)[number];

/** The HR statuses a record may have (docs/hr-sources.md#accepted-values). */
export const HR_STATUSES = ['active', 'leave', 'terminated'] as const;
export type HrStatus = (typeof HR_STATUSES)[number];

/**
 * Accepted employment types: policies test them (`equals: { employment_type: contractor }`), so
 * an unknown spelling is refused rather than silently matching no rule. Exports that write them
 * otherwise map their values in tenure.yaml (`values.employment_type`).
 */
export const EMPLOYMENT_TYPES = ['employee', 'contractor', 'intern'] as const;
export type EmploymentType = (typeof EMPLOYMENT_TYPES)[number];
export type IdentityStatus = 'pre-hire' | 'active' | 'leave' | 'terminated';

/** One validated, normalised HR record. Dates are ISO calendar dates (YYYY-MM-DD). */
export type HrRecord = {
  employee_id: string;
  first_name: string;
  last_name: string;
  preferred_name: string | null;
  email: string;
  department: string;
  title: string;
  manager_id: string | null;
  location: string;
  employment_type: string;
  status: HrStatus;
  start_date: string;
  end_date: string | null;
};

/** The fields whose change makes someone a mover. */
export const MOVER_FIELDS = [
  'department',
  'title',
  'manager_id',
  'location',
  'employment_type',
] as const;
export type MoverField = (typeof MOVER_FIELDS)[number];

/** A person as Tenure knows them now. `id` is the HR employee id. */
export type Identity = {
  id: string;
  source_id: string;
  attributes: HrRecord;
  /** Effective status: derived from HR status and dates in the organisation time zone. */
  status: IdentityStatus;
  /** Absent from the latest full snapshot; held (not terminated) unless config says otherwise. */
  missing_from_source: boolean;
  updated_at: string;
};

export type LifecycleEvent =
  | { kind: 'joiner' }
  | { kind: 'prehire'; provision_from: string }
  | { kind: 'start' }
  | { kind: 'mover'; changed: MoverField[] }
  | { kind: 'attributes_changed'; changed: string[] }
  | { kind: 'leaver'; reason: 'terminated' | 'end_date' | 'missing_from_source' }
  | { kind: 'scheduled_leaver'; at: string }
  | { kind: 'rehire' }
  | { kind: 'leave_start' }
  | { kind: 'leave_end' }
  | { kind: 'missing_from_source' }
  | { kind: 'returned_to_source' };
export type LifecycleKind = LifecycleEvent['kind'];

/** A grant that is not birthright: request, exception or manual. */
export type Grant = {
  id: string;
  identity_id: string;
  app_id: string;
  entitlement_id: string;
  /** `request:<id>`, `exception:<id>`, `manual` */
  reason: string;
  expires_at: string | null;
};

/** What an identity should have in one application, and why. */
export type DesiredAccount = {
  app_id: string;
  identity_id: string;
  /** Account name proposed at creation (from the `account_id` template); existing accounts keep theirs. */
  account_id: string;
  attributes: Record<string, string>;
  container: string | null;
  enabled: boolean;
  /** entitlement id -> reasons (`birthright:<policy>`, `request:<id>`, ...) */
  entitlements: Record<string, string[]>;
  reasons: string[];
};

/** An account as a connector reads it from its target (for reconciliation). */
export type AccountRecord = {
  account_id: string;
  attributes: Record<string, string>;
  container: string | null;
  enabled: boolean;
  entitlements: string[];
  /** The target's correlation hint, when it stores one (e.g. employeeNumber). */
  employee_id: string | null;
};

/** An account that exists in an application, as last provisioned or reconciled. */
export type ActualAccount = Omit<AccountRecord, 'employee_id'> & {
  app_id: string;
  identity_id: string | null;
};

export type OperationKind =
  | 'account.create'
  | 'account.update'
  | 'account.disable'
  | 'account.enable'
  | 'account.delete'
  | 'account.move'
  | 'entitlement.grant'
  | 'entitlement.revoke'
  | 'manual.task';

export type DirectOperationKind = Exclude<OperationKind, 'manual.task'>;

/**
 * One change to one target. Operations carry the desired values (not deltas to replay blind),
 * so running one twice is harmless; `key` is the idempotency key derived from those values.
 */
export type Operation = {
  key: string;
  kind: OperationKind;
  app_id: string;
  identity_id: string | null;
  account_id: string;
  /** account.create / account.update: the full desired attribute set. */
  attributes?: Record<string, string>;
  /** account.create / account.move: target container (OU) if the application uses one. */
  container?: string | null;
  /**
   * account.create: whether the account starts enabled (absent = true). Pre-hires and people on
   * leave with `leave: disable` get `false`: connectors must create such accounts disabled.
   */
  enabled?: boolean;
  /** entitlement.grant / entitlement.revoke */
  entitlement?: string;
  /**
   * manual.task: what the person has to do in the application, and — from the application's
   * manual settings when the plan was made — who does it and the standing instructions.
   */
  task?: { action: DirectOperationKind; summary: string; assignee?: string; instructions?: string };
  reasons: string[];
  /** The lifecycle event(s) that caused it, e.g. `joiner`, `mover`, `leaver`; empty for drift fixes. */
  lifecycle: string[];
};

export type Outcome = 'success' | 'failure' | 'pending_manual';

export type OperationResult = {
  key: string;
  outcome: Outcome;
  message?: string;
  /** For create: the account id the target actually assigned (e.g. after collision handling). */
  account_id?: string;
  /**
   * Create/update only: attribute keys of the operation the target could not write (e.g. a
   * manager link whose manager is not in the directory). The actual state leaves them out, so
   * the next plan proposes them again instead of saying "No changes".
   */
  unapplied?: string[];
};

export type Clock = () => Date;
