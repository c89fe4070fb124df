/** Creating and changing control-plane users, audited; shared by the API and `tenure users`. */
import { TenureError } from '../../domain/errors.js';
import type { Role } from '../../domain/roles.js';
import type { UserPatch, UserRow } from '../../store/auth-types.js';
import type { Store } from '../../store/types.js';
import { checkPasswordPolicy, generatePassword, hashPassword } from './passwords.js';

/** Letters, digits and `._@-`: e-mail addresses (OIDC) fit, shell and log tricks don't. */
export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

/** How a person appears in the audit trail. */
export const userActor = (user: Pick<UserRow, 'username'>) => `admin:${user.username}`;

export type CreateUserInput = {
  username: string;
  role: Role;
  display_name?: string | undefined;
  email?: string | null | undefined;
  identity_id?: string | null | undefined;
  oidc_subject?: string | null | undefined;
  /** undefined: generate one (returned once); null: no password (OIDC only). */
  password?: string | null | undefined;
};

export async function createUser(
  store: Store,
  input: CreateUserInput,
  actor: string,
  now: Date,
): Promise<{ user: UserRow; generated_password?: string }> {
  if (!USERNAME.test(input.username)) {
    throw new TenureError(
      'user.bad_username',
      `username "${input.username}" may only use letters, digits and . _ @ + - (at most 128)`,
    );
  }
  const generated = input.password === undefined ? generatePassword() : undefined;
  const password = input.password === undefined ? generated! : input.password;
  if (password !== null)
    checkPasswordPolicy(password, [input.username, input.display_name ?? '', input.email ?? '']);
  const hash = password === null ? null : await hashPassword(password);
  const at = now.toISOString();
  const user = await store.transaction(async (tx) => {
    const row = await tx.users.create(
      {
        username: input.username,
        display_name: input.display_name ?? input.username,
        email: input.email ?? null,
        role: input.role,
        password_hash: hash,
        identity_id: input.identity_id ?? null,
        oidc_subject: input.oidc_subject ?? null,
      },
      at,
    );
    await tx.audit.append([
      {
        action: 'user.created',
        actor,
        trigger: `user:${row.username}`,
        target: `user:${row.username}`,
        outcome: 'success',
        details: {
          role: row.role,
          identity: row.identity_id,
          password: hash === null ? 'none' : 'set',
          ...(row.oidc_subject ? { oidc_subject: row.oidc_subject } : {}),
        },
        ts: at,
      },
    ]);
    return row;
  });
  return generated === undefined ? { user } : { user, generated_password: generated };
}

/**
 * Role, disabled flag, name, identity link or password. A demotion or disabling ends the user's
 * sessions at once; the last enabled admin cannot be demoted or disabled (nobody could undo it).
 */
export async function updateUser(
  store: Store,
  id: string,
  change: Omit<UserPatch, 'password_hash' | 'oidc_subject'> & { password?: string },
  actor: string,
  now: Date,
): Promise<UserRow> {
  const { password, ...patch } = change;
  if (password !== undefined) {
    // Judged against the user's own name and e-mail as they will be after the change.
    const current = await store.users.get(id);
    const inputs = [
      current?.username,
      patch.display_name ?? current?.display_name,
      patch.email ?? current?.email,
    ];
    checkPasswordPolicy(
      password,
      inputs.filter((s): s is string => typeof s === 'string'),
    );
  }
  const hash = password === undefined ? undefined : await hashPassword(password);
  const at = now.toISOString();
  return store.transaction(async (tx) => {
    const before = await tx.users.get(id);
    if (!before) throw new TenureError('user.not_found', `no user ${id}`, { user_id: id });
    const losesAdmin =
      before.role === 'admin' &&
      !before.disabled &&
      ((patch.role !== undefined && patch.role !== 'admin') || patch.disabled === true);
    if (losesAdmin) {
      const admins = (await tx.users.list()).filter((u) => u.role === 'admin' && !u.disabled);
      if (admins.length <= 1)
        throw new TenureError(
          'user.last_admin',
          `${before.username} is the last enabled admin: create another admin first`,
        );
    }
    const after = await tx.users.update(
      id,
      { ...patch, ...(hash !== undefined && { password_hash: hash }) },
      at,
    );
    const endSessions =
      (patch.role !== undefined && patch.role !== before.role) ||
      patch.disabled === true ||
      hash !== undefined;
    if (endSessions) await tx.sessions.deleteForUser(id);
    const changed = Object.keys(patch).filter(
      (k) => patch[k as keyof typeof patch] !== before[k as keyof UserRow],
    );
    await tx.audit.append([
      {
        action: 'user.updated',
        actor,
        trigger: `user:${before.username}`,
        target: `user:${before.username}`,
        outcome: 'success',
        details: {
          changed: [...changed, ...(hash !== undefined ? ['password'] : [])],
          ...(patch.role !== undefined && { role: { from: before.role, to: after.role } }),
          ...(patch.disabled !== undefined && { disabled: after.disabled }),
          sessions_ended: endSessions,
        },
        ts: at,
      },
    ]);
    return after;
  });
}
