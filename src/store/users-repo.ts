/** Control-plane users: local (password hash) or OIDC (subject), each with one role. */
import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import { TenureError } from '../domain/errors.js';
import type { Role } from '../domain/roles.js';
import { usernameKey } from '../domain/username.js';
import type { AuthTables, UsersTable } from './auth-schema.js';
import type { UserRow, UsersRepo } from './auth-types.js';
import { fromBool, toBool, toTimestamp } from './codec.js';
import type { Database } from './schema.js';

export const USER_COLUMNS = [
  'id',
  'username',
  'display_name',
  'email',
  'role',
  'disabled',
  'identity_id',
  'oidc_subject',
  'created_at',
  'updated_at',
] as const;

export const toUser = (r: Omit<Selectable<UsersTable>, 'password_hash'>): UserRow => ({
  id: r.id,
  username: r.username,
  display_name: r.display_name,
  email: r.email,
  role: r.role as Role,
  disabled: fromBool(r.disabled),
  identity_id: r.identity_id,
  oidc_subject: r.oidc_subject,
  created_at: r.created_at,
  updated_at: r.updated_at,
});

/** Unique-constraint violations differ by driver; both mention "unique". */
const isUniqueViolation = (e: unknown) =>
  /unique/i.test(String((e as Error)?.message)) || (e as { code?: string })?.code === '23505';

export const createUsersRepo = (base: Kysely<Database>): UsersRepo => {
  const db = base.withTables<AuthTables>();
  const one = async (column: 'id' | 'oidc_subject', value: string) => {
    const row = await db
      .selectFrom('users')
      .select(USER_COLUMNS)
      .where(column, '=', value)
      .executeTakeFirst();
    return row && toUser(row);
  };
  return {
    async create(user, atInput) {
      const at = toTimestamp(atInput);
      const row = {
        id: `usr_${randomUUID()}`,
        username: user.username,
        display_name: user.display_name,
        email: user.email,
        role: user.role,
        password_hash: user.password_hash,
        disabled: toBool(user.disabled ?? false),
        identity_id: user.identity_id,
        oidc_subject: user.oidc_subject,
        created_at: at,
        updated_at: at,
      };
      try {
        await db.insertInto('users').values(row).execute();
      } catch (e) {
        if (isUniqueViolation(e)) {
          throw new TenureError('user.exists', `user "${user.username}" already exists`, {
            username: user.username,
          });
        }
        throw e;
      }
      const { password_hash: _, ...rest } = row;
      return toUser(rest);
    },
    get: (id) => one('id', id),
    async byUsername(username) {
      // The unique index is on lower(username): this lookup uses it.
      const row = await db
        .selectFrom('users')
        .select(USER_COLUMNS)
        .where(sql<string>`lower(username)`, '=', usernameKey(username))
        .executeTakeFirst();
      return row && toUser(row);
    },
    bySubject: (subject) => one('oidc_subject', subject),
    async list() {
      const rows = await db.selectFrom('users').select(USER_COLUMNS).orderBy('username').execute();
      return rows.map(toUser);
    },
    async passwordHash(id) {
      const row = await db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? row.password_hash : undefined;
    },
    async update(id, patch, atInput) {
      const { disabled, ...rest } = patch;
      const values = {
        ...rest,
        ...(disabled !== undefined && { disabled: toBool(disabled) }),
        updated_at: toTimestamp(atInput),
      };
      const res = await db.updateTable('users').set(values).where('id', '=', id).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0)
        throw new TenureError('user.not_found', `no user ${id}`, { user_id: id });
      return (await one('id', id))!;
    },
  };
};
