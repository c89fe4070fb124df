/** Browser sessions, stored by the SHA-256 of the cookie value, read together with their user. */
import type { Kysely } from 'kysely';
import type { AuthTables } from './auth-schema.js';
import type { SessionsRepo } from './auth-types.js';
import { toTimestamp } from './codec.js';
import type { Database } from './schema.js';
import { toUser } from './users-repo.js';

export const createSessionsRepo = (base: Kysely<Database>): SessionsRepo => {
  const db = base.withTables<AuthTables>();
  return {
    async create(row) {
      await db
        .insertInto('sessions')
        .values({
          ...row,
          created_at: toTimestamp(row.created_at),
          expires_at: toTimestamp(row.expires_at),
        })
        .execute();
    },

    // One query per authenticated request: the session and its user together.
    async get(idHash) {
      const r = await db
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .select([
          's.id_hash',
          's.user_id',
          's.csrf_token',
          's.method',
          's.ip',
          's.created_at as s_created_at',
          's.expires_at',
          'u.id',
          'u.username',
          'u.display_name',
          'u.email',
          'u.role',
          'u.disabled',
          'u.identity_id',
          'u.oidc_subject',
          'u.created_at',
          'u.updated_at',
        ])
        .where('s.id_hash', '=', idHash)
        .executeTakeFirst();
      if (!r) return undefined;
      return {
        session: {
          id_hash: r.id_hash,
          user_id: r.user_id,
          csrf_token: r.csrf_token,
          method: r.method,
          ip: r.ip,
          created_at: r.s_created_at,
          expires_at: r.expires_at,
        },
        user: toUser(r),
      };
    },

    async delete(idHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
    async deleteForUser(userId) {
      const res = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
    async deleteExpired(now) {
      const res = await db
        .deleteFrom('sessions')
        .where('expires_at', '<=', toTimestamp(now))
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
};
