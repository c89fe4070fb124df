/** Which Tenure user an OIDC sign-in is: found by subject, linked by username, or created. */
import type { OidcConfig } from '../../config/server-schema.js';
import { ROLES, type Role } from '../../domain/roles.js';
import type { UserRow } from '../../store/auth-types.js';
import type { Store } from '../../store/types.js';
import type { OidcClaims } from './oidc.js';
import { createUser, USERNAME, updateUser } from './users.js';

export type OidcUserResult = { user: UserRow } | { refused: string; username: string | null };

/** The most powerful role any of the claim's values maps to (ROLES is ordered admin first). */
export function roleFromClaims(cfg: OidcConfig, claims: OidcClaims): Role | undefined {
  if (!cfg.roles_claim) return undefined;
  const raw = claims[cfg.roles_claim];
  const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  const mapped = values.map((v) => cfg.role_map[String(v)]).filter((r): r is Role => !!r);
  return ROLES.find((r) => mapped.includes(r));
}

export async function oidcUser(
  store: Store,
  cfg: OidcConfig,
  claims: OidcClaims,
  now: Date,
): Promise<OidcUserResult> {
  const subject = `${claims.iss}#${claims.sub}`;
  const raw = claims[cfg.username_claim];
  const username = typeof raw === 'string' ? raw : null;
  if (!username || !USERNAME.test(username)) return { refused: 'bad_username', username };
  if (cfg.username_claim === 'email' && claims.email_verified === false)
    return { refused: 'email_not_verified', username };
  const actor = `oidc:${new URL(cfg.issuer).host}`;
  const role = roleFromClaims(cfg, claims);

  let user = await store.users.bySubject(subject);
  if (!user) {
    const byName = await store.users.byUsername(username);
    // Link a pre-created account once; never take over one already linked to another subject.
    if (byName && byName.oidc_subject === null) {
      user = await store.users.update(byName.id, { oidc_subject: subject }, now.toISOString());
      await store.audit.append([
        {
          action: 'user.updated',
          actor,
          trigger: `user:${username}`,
          target: `user:${username}`,
          outcome: 'success',
          details: { changed: ['oidc_subject'], oidc_subject: subject },
          ts: now.toISOString(),
        },
      ]);
    } else if (byName) return { refused: 'username_taken', username };
  }
  if (user) {
    if (user.disabled) return { refused: 'disabled', username };
    if (role && role !== user.role) user = await updateUser(store, user.id, { role }, actor, now);
    return { user };
  }
  if (!cfg.auto_create) return { refused: 'unknown_user', username };
  const email = typeof claims.email === 'string' ? claims.email : null;
  const identity = email ? await store.browse.identityByEmail(email) : undefined;
  const created = await createUser(
    store,
    {
      username,
      role: role ?? cfg.default_role,
      display_name: typeof claims.name === 'string' ? claims.name : username,
      email,
      identity_id: identity?.id ?? null,
      oidc_subject: subject,
      password: null,
    },
    actor,
    now,
  );
  return { user: created.user };
}
