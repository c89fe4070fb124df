/** The Store's sign-in contract: users, sessions, API tokens, login failures. */
import type { Role } from '../domain/roles.js';
import type { Timestamp } from '../domain/timestamp.js';

export type UserRow = {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  role: Role;
  disabled: boolean;
  identity_id: string | null;
  oidc_subject: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type NewUser = Omit<UserRow, 'id' | 'created_at' | 'updated_at' | 'disabled'> & {
  /** null: OIDC-only. */
  password_hash: string | null;
  disabled?: boolean;
};

export type UserPatch = Partial<
  Pick<UserRow, 'display_name' | 'email' | 'role' | 'disabled' | 'identity_id' | 'oidc_subject'>
> & { password_hash?: string | null };

export type SessionRow = {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  /** How the user signed in: `password` or `oidc`. */
  method: string;
  ip: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
};

export type ApiTokenRow = {
  id: string;
  name: string;
  role: Role;
  /**
   * The user the token acts for, if any: it is refused while that user is disabled, and acts with
   * at most that user's current role. null: made with the CLI, bounded by its own role only.
   */
  user_id: string | null;
  created_by: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
};

export type UsersRepo = {
  /** Throws `user.exists` if the username (in any case) or OIDC subject is taken. */
  create(user: NewUser, at: Timestamp): Promise<UserRow>;
  get(id: string): Promise<UserRow | undefined>;
  /** Case-insensitive (ASCII): `ADMIN` finds `admin`. */
  byUsername(username: string): Promise<UserRow | undefined>;
  bySubject(subject: string): Promise<UserRow | undefined>;
  list(): Promise<UserRow[]>;
  /** The stored password hash, or null for OIDC-only users; undefined if no such user. */
  passwordHash(id: string): Promise<string | null | undefined>;
  update(id: string, patch: UserPatch, at: Timestamp): Promise<UserRow>;
};

export type SessionsRepo = {
  create(row: SessionRow): Promise<void>;
  /** The session and its user, if the session exists (expiry is the caller's check). */
  get(idHash: string): Promise<{ session: SessionRow; user: UserRow } | undefined>;
  delete(idHash: string): Promise<void>;
  deleteForUser(userId: string): Promise<number>;
  deleteExpired(now: Timestamp): Promise<number>;
};

export type ApiTokensRepo = {
  create(row: ApiTokenRow & { token_hash: string }): Promise<void>;
  byHash(tokenHash: string): Promise<ApiTokenRow | undefined>;
  get(id: string): Promise<ApiTokenRow | undefined>;
  list(): Promise<ApiTokenRow[]>;
  /** Sets revoked_at once; throws `token.not_found`. Returns the row (already revoked: unchanged). */
  revoke(id: string, at: Timestamp): Promise<ApiTokenRow>;
  touch(id: string, at: Timestamp): Promise<void>;
};

export type LoginFailuresRepo = {
  record(keys: string[], at: Timestamp): Promise<void>;
  /**
   * Atomically: if every key has fewer than its `max` failures since `since`, records one for each
   * and returns their row ids; otherwise records nothing and names the first key over its limit.
   * Concurrent callers are serialised per key, so a burst cannot all pass one check.
   */
  reserve(
    limits: { key: string; max: number }[],
    at: Timestamp,
    since: Timestamp,
  ): Promise<{ ids: number[] } | { over: string }>;
  /** Deletes reserved rows by id (the attempt turned out not to be a failure). */
  release(ids: number[]): Promise<void>;
  /** Failures per key at or after `since`. */
  count(keys: string[], since: Timestamp): Promise<Record<string, number>>;
  clear(key: string): Promise<void>;
  prune(before: Timestamp): Promise<number>;
};
