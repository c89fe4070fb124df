/** Kysely table types of the agent registry; used with `db.withTables<AgentTables>()`. */
import type { Generated } from 'kysely';

export type AgentsTable = {
  id: string;
  site: string;
  hostname: string;
  version: string;
  public_key: string;
  /** JSON array of strings. */
  capabilities: string;
  enrolled_at: string;
  enrolled_by: string;
  last_seen_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  ops_done: number;
  ops_failed: number;
  active_jobs: number;
  last_error: string | null;
  /** JSON object: application id -> reachable. */
  targets_reachable: string;
  offline_alert_for: string | null;
};

export type AgentEnrollmentTokensTable = {
  id: Generated<number>;
  token_hash: string;
  site: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  agent_id: string | null;
};

export type AgentNoncesTable = {
  agent_id: string;
  jti: string;
  expires_at: string;
};

export type AgentTables = {
  agents: AgentsTable;
  agent_enrollment_tokens: AgentEnrollmentTokensTable;
  agent_nonces: AgentNoncesTable;
};
