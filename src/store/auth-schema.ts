/** Kysely table types for the control plane's sign-in tables (see migrations/20261127_0100_auth.ts). */
import type { Generated } from 'kysely';
import type { Bool } from './schema.js';

export type UsersTable = {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  role: string;
  password_hash: string | null;
  disabled: Bool;
  identity_id: string | null;
  oidc_subject: string | null;
  created_at: string;
  updated_at: string;
};

export type SessionsTable = {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  method: string;
  ip: string | null;
  created_at: string;
  expires_at: string;
};

export type ApiTokensTable = {
  id: string;
  name: string;
  token_hash: string;
  role: string;
  user_id: string | null;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
};

export type LoginFailuresTable = {
  id: Generated<number>;
  key: string;
  at: string;
};

/** Used with `db.withTables<AuthTables>()`, so the core Database type stays untouched. */
export type AuthTables = {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_failures: LoginFailuresTable;
};
