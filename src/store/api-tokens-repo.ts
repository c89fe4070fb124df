/** API tokens for automation: looked up by the SHA-256 of the secret, never stored in clear. */
import type { Kysely, Selectable } from 'kysely';
import { TenureError } from '../domain/errors.js';
import type { Role } from '../domain/roles.js';
import type { ApiTokensTable, AuthTables } from './auth-schema.js';
import type { ApiTokenRow, ApiTokensRepo } from './auth-types.js';
import { toTimestamp } from './codec.js';
import type { Database } from './schema.js';

const COLUMNS = [
  'id',
  'name',
  'role',
  'user_id',
  'created_by',
  'created_at',
  'expires_at',
  'revoked_at',
  'last_used_at',
] as const;

const toToken = (r: Omit<Selectable<ApiTokensTable>, 'token_hash'>): ApiTokenRow => ({
  ...r,
  role: r.role as Role,
});

export const createApiTokensRepo = (base: Kysely<Database>): ApiTokensRepo => {
  const db = base.withTables<AuthTables>();
  const get = async (id: string) => {
    const row = await db
      .selectFrom('api_tokens')
      .select(COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toToken(row);
  };
  return {
    async create(row) {
      await db
        .insertInto('api_tokens')
        .values({
          ...row,
          created_at: toTimestamp(row.created_at),
          expires_at: toTimestamp(row.expires_at),
        })
        .execute();
    },
    async byHash(tokenHash) {
      const row = await db
        .selectFrom('api_tokens')
        .select(COLUMNS)
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row && toToken(row);
    },
    get,
    async list() {
      const rows = await db
        .selectFrom('api_tokens')
        .select(COLUMNS)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toToken);
    },
    async revoke(id, at) {
      await db
        .updateTable('api_tokens')
        .set({ revoked_at: toTimestamp(at) })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      const row = await get(id);
      if (!row) throw new TenureError('token.not_found', `no API token ${id}`, { token_id: id });
      return row;
    },
    async touch(id, at) {
      await db
        .updateTable('api_tokens')
        .set({ last_used_at: toTimestamp(at) })
        .where('id', '=', id)
        .execute();
    },
  };
};
