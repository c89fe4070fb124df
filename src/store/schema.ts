/** Kysely table types: one schema for SQLite and PostgreSQL (JSON as TEXT, booleans 0/1, ISO timestamps). */
import type { Generated } from 'kysely';
import type { AuditRecord } from '../audit/types.js';
import type { SchedulerTables } from './jobs-schema.js';

/** 0 or 1: SQLite has no boolean type, so both dialects store INTEGER. */
export type Bool = number;
/** JSON text, parsed by the repositories. */
export type JsonText = string;

export type IdentitiesTable = {
  id: string;
  source_id: string;
  status: string;
  attributes: JsonText;
  missing_from_source: Bool;
  updated_at: string;
  /** Search keys derived from id and attributes (identity-search.ts), written with them. */
  fold_id: string;
  fold_first: string;
  fold_last: string;
  fold_preferred: string;
  fold_email: string;
  department: string;
};

export type IdentityHistoryTable = {
  id: Generated<number>;
  identity_id: string;
  source_id: string;
  valid_from: string;
  valid_to: string | null;
  status: string;
  attributes: JsonText;
  missing_from_source: Bool;
  events: JsonText;
};

export type SnapshotsTable = {
  id: Generated<number>;
  source_id: string;
  taken_at: string;
  row_count: number;
  accepted: number;
  rejected: number;
  sha256: string;
  status: string;
};

export type QuarantineTable = {
  id: Generated<number>;
  snapshot_id: number;
  source_id: string;
  row_number: number;
  employee_id: string | null;
  reason: string;
  raw: string;
  severity: Generated<string>;
  code: string | null;
};

export type AccountsTable = {
  app_id: string;
  account_id: string;
  identity_id: string | null;
  attributes: JsonText;
  container: string | null;
  enabled: Bool;
  created_at: string;
  updated_at: string;
};

export type AccessHistoryTable = {
  id: Generated<number>;
  app_id: string;
  account_id: string;
  identity_id: string | null;
  entitlement_id: string | null;
  valid_from: string;
  valid_to: string | null;
};

export type GrantsTable = {
  id: string;
  identity_id: string;
  app_id: string;
  entitlement_id: string;
  reason: string;
  expires_at: string | null;
  created_by: string;
  created_at: string;
};

export type RunsTable = {
  id: string;
  created_at: string;
  finished_at: string | null;
  status: string;
  trigger: string;
  actor: string;
  dry_run: Bool;
  held_reason: string | null;
  approved_by: string | null;
  summary: JsonText;
};

export type OperationsTable = {
  run_id: string;
  seq: number;
  key: string;
  op: JsonText;
  status: string;
  message: string | null;
  finished_at: string | null;
};

export type TasksTable = {
  id: Generated<number>;
  run_id: string;
  op_key: string;
  op: JsonText;
  app_id: string;
  identity_id: string | null;
  summary: string;
  status: string;
  created_at: string;
  closed_at: string | null;
  closed_by: string | null;
  evidence: string | null;
};

/** The audit trail's own field list (audit/types.ts AUDIT_FIELDS), as stored. */
export type AuditEventsTable = AuditRecord;

export type AuditCheckpointsTable = {
  seq: number;
  head_hash: string;
  ts: string;
  key_id: string;
  signature: string;
  /** 20261202_0300: null on checkpoints written before they were chained (version 1). */
  prev_checkpoint: string | null;
};

/** Anonymous refusals counted per (action, target, reason, minute) until written as one event. */
export type AuditRefusalBucketsTable = {
  action: string;
  target: string;
  reason: string;
  bucket_start: string;
  count: number;
  first_seen: string;
  last_seen: string;
  trigger: string;
  details: string;
};

export type Database = {
  identities: IdentitiesTable;
  identity_history: IdentityHistoryTable;
  snapshots: SnapshotsTable;
  quarantine: QuarantineTable;
  accounts: AccountsTable;
  access_history: AccessHistoryTable;
  grants: GrantsTable;
  runs: RunsTable;
  operations: OperationsTable;
  tasks: TasksTable;
  audit_events: AuditEventsTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_refusal_buckets: AuditRefusalBucketsTable;
} & SchedulerTables;

export type StoreDialect = 'sqlite' | 'postgres';
