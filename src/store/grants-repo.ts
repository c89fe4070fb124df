/** Non-birthright grants (request, exception, manual), with who added them and when. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Timestamp } from '../domain/timestamp.js';
import type { Grant } from '../domain/types.js';
import { toTimestamp } from './codec.js';
import type { Database } from './schema.js';

/** Grants: identity ⟶ entitlement with a reason. */
export type GrantsRepo = {
  all(): Promise<Grant[]>;
  add(grant: Omit<Grant, 'id'>, by: string, at: Timestamp): Promise<Grant>;
};

export const createGrantsRepo = (db: Kysely<Database>): GrantsRepo => ({
  async all() {
    return db
      .selectFrom('grants')
      .select(['id', 'identity_id', 'app_id', 'entitlement_id', 'reason', 'expires_at'])
      .orderBy('identity_id')
      .orderBy('app_id')
      .orderBy('entitlement_id')
      .orderBy('id')
      .execute();
  },

  async add(grant, by, at) {
    const row: Grant = {
      id: randomUUID(),
      identity_id: grant.identity_id,
      app_id: grant.app_id,
      entitlement_id: grant.entitlement_id,
      reason: grant.reason,
      // Kept as given: it may be a calendar date whose meaning depends on the organisation's zone.
      expires_at: grant.expires_at,
    };
    await db
      .insertInto('grants')
      .values({ ...row, created_by: by, created_at: toTimestamp(at) })
      .execute();
    return row;
  },
});
