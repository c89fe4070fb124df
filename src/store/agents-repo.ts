/** The agent registry: enrolled agents, one-time enrollment tokens (hashed), signed-request nonces. */
import type { Kysely, Selectable } from 'kysely';
import type { AgentsTable, AgentTables } from './agents-schema.js';
import type { AgentRow, AgentsRepo } from './agents-types.js';
import { fromJson, inTransaction, toJson, toTimestamp } from './codec.js';
import type { Database } from './schema.js';

const toAgent = (r: Selectable<AgentsTable>): AgentRow => ({
  ...r,
  ops_done: Number(r.ops_done),
  ops_failed: Number(r.ops_failed),
  active_jobs: Number(r.active_jobs),
  capabilities: fromJson<string[]>(r.capabilities),
  targets_reachable: fromJson<Record<string, boolean>>(r.targets_reachable),
});

export const createAgentsRepo = (base: Kysely<Database>): AgentsRepo => {
  const db = base.withTables<AgentTables>();
  return {
    async createToken(t, atInput) {
      const at = toTimestamp(atInput);
      const row = await db
        .insertInto('agent_enrollment_tokens')
        .values({ ...t, expires_at: toTimestamp(t.expires_at), created_at: at })
        .returningAll()
        .executeTakeFirstOrThrow();
      const { token_hash: _hash, ...rest } = row;
      return rest;
    },

    consumeToken: (tokenHash, agentId, atInput) =>
      inTransaction(base, async (trx) => {
        const tx = trx.withTables<AgentTables>();
        const at = toTimestamp(atInput);
        const burnt = await tx
          .updateTable('agent_enrollment_tokens')
          .set({ used_at: at, agent_id: agentId })
          .where('token_hash', '=', tokenHash)
          .where('used_at', 'is', null)
          .where('expires_at', '>', at)
          .returningAll()
          .executeTakeFirst();
        if (burnt) {
          const { token_hash: _hash, ...token } = burnt;
          return { status: 'ok' as const, token };
        }
        const row = await tx
          .selectFrom('agent_enrollment_tokens')
          .select(['used_at', 'expires_at'])
          .where('token_hash', '=', tokenHash)
          .executeTakeFirst();
        if (!row) return { status: 'unknown' as const };
        return { status: row.used_at !== null ? ('used' as const) : ('expired' as const) };
      }),

    async create(a, atInput) {
      const at = toTimestamp(atInput);
      const row = await db
        .insertInto('agents')
        .values({
          ...a,
          capabilities: toJson(a.capabilities),
          enrolled_at: at,
          last_seen_at: at,
          revoked_at: null,
          revoked_by: null,
          ops_done: 0,
          ops_failed: 0,
          active_jobs: 0,
          last_error: null,
          targets_reachable: toJson({}),
          offline_alert_for: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toAgent(row);
    },

    async get(id) {
      const row = await db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toAgent(row);
    },

    async list() {
      const rows = await db
        .selectFrom('agents')
        .selectAll()
        .orderBy('site')
        .orderBy('id')
        .execute();
      return rows.map(toAgent);
    },

    async touch(id, p, at) {
      await db
        .updateTable('agents')
        .set({
          last_seen_at: toTimestamp(at),
          ...(p.version !== undefined && { version: p.version }),
          ...(p.active_jobs !== undefined && { active_jobs: p.active_jobs }),
          ...(p.last_error !== undefined && { last_error: p.last_error }),
          ...(p.targets_reachable !== undefined && {
            targets_reachable: toJson(p.targets_reachable),
          }),
        })
        .where('id', '=', id)
        .execute();
    },

    async revoke(id, by, at) {
      const r = await db
        .updateTable('agents')
        .set({ revoked_at: toTimestamp(at), revoked_by: by })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async addCounts(id, done, failed) {
      if (done === 0 && failed === 0) return;
      await db
        .updateTable('agents')
        .set((eb) => ({
          ops_done: eb('ops_done', '+', done),
          ops_failed: eb('ops_failed', '+', failed),
        }))
        .where('id', '=', id)
        .execute();
    },

    async markOfflineAlert(id, lastSeenAt) {
      const r = await db
        .updateTable('agents')
        .set({ offline_alert_for: lastSeenAt })
        .where('id', '=', id)
        .where('last_seen_at', '=', lastSeenAt)
        .where((eb) =>
          eb.or([eb('offline_alert_for', 'is', null), eb('offline_alert_for', '!=', lastSeenAt)]),
        )
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    // A nonce past its expiry needs no row: the token carrying it is refused as expired anyway.
    async rememberNonce(agentId, jti, expiresAt) {
      const r = await db
        .insertInto('agent_nonces')
        .values({ agent_id: agentId, jti, expires_at: toTimestamp(expiresAt) })
        .onConflict((oc) => oc.columns(['agent_id', 'jti']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async purgeNonces(before) {
      const r = await db
        .deleteFrom('agent_nonces')
        .where('expires_at', '<', toTimestamp(before))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
};
