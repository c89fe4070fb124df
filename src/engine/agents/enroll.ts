/**
 * Enrollment: an admin mints a one-time, expiring token for a site (shown once; only its SHA-256
 * is stored); an agent presents it once with its Ed25519 public key and becomes a registered agent
 * of that site. A token used twice, expired or unknown is refused (and audited by the caller).
 */
import { createHash, randomBytes } from 'node:crypto';
import { TenureError } from '../../domain/errors.js';
import { toSpkiPem } from '../../protocol/agent-auth.js';
import type { EnrollRequest, EnrollResponse } from '../../protocol/agent-v1.js';
import type { Workspace } from '../workspace.js';
import { agentSettings } from './settings.js';

export const ENROLL_TOKEN_PREFIX = 'tnr_enroll_';
/** Longest an enrollment token may live: it is a key to the site's work until used. */
export const MAX_TOKEN_MS = 24 * 3_600_000;
export const SITE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const hashEnrollToken = (token: string) => createHash('sha256').update(token).digest('hex');

export type MintedToken = { id: number; token: string; site: string; expires_at: string };

export async function createEnrollmentToken(
  ws: Workspace,
  o: { site: string; expiresInMs: number; actor: string },
): Promise<MintedToken> {
  if (!SITE_NAME.test(o.site))
    throw new TenureError('agent.bad_site', `site "${o.site}": letters, digits, "-" or "_" only`);
  if (!(o.expiresInMs >= 60_000 && o.expiresInMs <= MAX_TOKEN_MS))
    throw new TenureError(
      'agent.bad_expiry',
      'an enrollment token lives from 1 minute to 24 hours',
    );
  const now = ws.clock();
  const token = `${ENROLL_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const expires_at = new Date(now.getTime() + o.expiresInMs).toISOString();
  const row = await ws.store.transaction(async (tx) => {
    const created = await tx.agents.createToken(
      { token_hash: hashEnrollToken(token), site: o.site, created_by: o.actor, expires_at },
      now.toISOString(),
    );
    await tx.audit.append([
      {
        action: 'agent.token.created',
        actor: o.actor,
        trigger: 'cli:agents token',
        target: `site:${o.site}`,
        outcome: 'success',
        details: { token_id: created.id, expires_at },
        ts: now.toISOString(),
      },
    ]);
    return created;
  });
  return { id: row.id, token, site: o.site, expires_at };
}

const WHY: Record<string, string> = {
  unknown: 'unknown enrollment token',
  used: 'this enrollment token was already used',
  expired: 'this enrollment token has expired',
};

/** Burns the token and registers the agent, in one transaction. */
export async function enrollAgent(
  ws: Workspace,
  req: EnrollRequest & { capabilities: string[] },
): Promise<EnrollResponse> {
  let publicKey: string;
  try {
    publicKey = toSpkiPem(req.public_key);
  } catch (e) {
    throw new TenureError('agent.invalid', `public_key: ${(e as Error).message}`);
  }
  const id = `agt_${randomBytes(8).toString('hex')}`;
  const ts = ws.clock().toISOString();
  const agent = await ws.store.transaction(async (tx) => {
    const burnt = await tx.agents.consumeToken(hashEnrollToken(req.token), id, ts);
    if (burnt.status !== 'ok')
      throw new TenureError('agent.enrollment_invalid', WHY[burnt.status]!, {
        token: burnt.status,
      });
    const created = await tx.agents.create(
      {
        id,
        site: burnt.token.site,
        hostname: req.hostname,
        version: req.version,
        public_key: publicKey,
        capabilities: req.capabilities,
        enrolled_by: burnt.token.created_by,
      },
      ts,
    );
    await tx.audit.append([
      {
        action: 'agent.enrolled',
        actor: `agent:${id}`,
        trigger: `agent-token:${burnt.token.id}`,
        target: `agent:${id}`,
        outcome: 'success',
        details: {
          site: created.site,
          hostname: created.hostname,
          version: created.version,
          capabilities: created.capabilities,
          token_created_by: burnt.token.created_by,
          key_sha256: createHash('sha256').update(publicKey).digest('hex'),
        },
        ts,
      },
    ]);
    return created;
  });
  return { agent_id: agent.id, site: agent.site, server_settings: agentSettings(ws) };
}
