/** API tokens for automation: shown once, stored as SHA-256, scoped to a role, always expiring. */
import { randomUUID } from 'node:crypto';
import { TenureError } from '../../domain/errors.js';
import type { Role } from '../../domain/roles.js';
import type { ApiTokenRow } from '../../store/auth-types.js';
import type { Store } from '../../store/types.js';
import { randomSecret, sha256Hex } from './secrets.js';

/** Recognisable in logs and secret scanners. */
export const TOKEN_PREFIX = 'tnr_';
export const MAX_TOKEN_DAYS = 366;

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30d`, `12h`, `90m` → milliseconds; at most 366 days, so every token expires. */
export function parseDuration(text: string): number {
  const m = /^(\d{1,6})([mhd])$/.exec(text.trim());
  if (!m) {
    throw new TenureError(
      'token.bad_expiry',
      `expiry "${text}" must look like 30d, 12h or 90m (at most ${MAX_TOKEN_DAYS}d)`,
    );
  }
  const ms = Number(m[1]) * UNITS[m[2]!]!;
  if (ms <= 0 || ms > MAX_TOKEN_DAYS * UNITS.d!) {
    throw new TenureError(
      'token.bad_expiry',
      `expiry "${text}" must be between 1m and ${MAX_TOKEN_DAYS}d`,
    );
  }
  return ms;
}

export const hashToken = (token: string) => sha256Hex(token);

export type CreatedToken = { token: string; row: ApiTokenRow };

export async function createApiToken(
  store: Store,
  opts: {
    name: string;
    role: Role;
    expiresInMs: number;
    actor: string;
    userId: string | null;
    now: Date;
  },
): Promise<CreatedToken> {
  const token = `${TOKEN_PREFIX}${randomSecret()}`;
  const at = opts.now.toISOString();
  const row: ApiTokenRow = {
    id: `tok_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
    name: opts.name,
    role: opts.role,
    user_id: opts.userId,
    created_by: opts.actor,
    created_at: at,
    expires_at: new Date(opts.now.getTime() + opts.expiresInMs).toISOString(),
    revoked_at: null,
    last_used_at: null,
  };
  await store.transaction(async (tx) => {
    await tx.apiTokens.create({ ...row, token_hash: hashToken(token) });
    await tx.audit.append([
      {
        action: 'auth.token_created',
        actor: opts.actor,
        trigger: `token:${row.id}`,
        target: `token:${row.id}`,
        outcome: 'success',
        details: { name: row.name, role: row.role, expires_at: row.expires_at },
        ts: at,
      },
    ]);
  });
  return { token, row };
}

export async function revokeApiToken(
  store: Store,
  id: string,
  actor: string,
  now: Date,
): Promise<ApiTokenRow> {
  const at = now.toISOString();
  return store.transaction(async (tx) => {
    const before = await tx.apiTokens.get(id);
    if (!before) throw new TenureError('token.not_found', `no API token ${id}`, { token_id: id });
    const row = await tx.apiTokens.revoke(id, at);
    if (before.revoked_at === null) {
      await tx.audit.append([
        {
          action: 'auth.token_revoked',
          actor,
          trigger: `token:${id}`,
          target: `token:${id}`,
          outcome: 'success',
          details: { name: row.name, role: row.role },
          ts: at,
        },
      ]);
    }
    return row;
  });
}

export const tokenState = (row: ApiTokenRow, now: Date): 'active' | 'revoked' | 'expired' =>
  row.revoked_at !== null ? 'revoked' : row.expires_at <= now.toISOString() ? 'expired' : 'active';
