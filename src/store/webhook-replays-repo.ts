/** Webhook replay guard: signatures and event ids seen within the acceptance window, across replicas. */
import type { Kysely } from 'kysely';
import { inTransaction, toTimestamp } from './codec.js';
import type { WebhookReplaysRepo } from './jobs-types.js';
import type { Database } from './schema.js';

export const createWebhookReplaysRepo = (db: Kysely<Database>): WebhookReplaysRepo => ({
  remember: (sourceId, key, expiresAt, atInput) =>
    inTransaction(db, async (trx) => {
      const at = toTimestamp(atInput);
      // A key outside its window no longer counts (the purge may not have run yet).
      await trx
        .deleteFrom('webhook_replays')
        .where('source_id', '=', sourceId)
        .where('key', '=', key)
        .where('expires_at', '<', at)
        .execute();
      const r = await trx
        .insertInto('webhook_replays')
        .values({ source_id: sourceId, key, seen_at: at, expires_at: toTimestamp(expiresAt) })
        .onConflict((oc) => oc.columns(['source_id', 'key']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    }),

  async purge(before) {
    const r = await db
      .deleteFrom('webhook_replays')
      .where('expires_at', '<', toTimestamp(before))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  },
});
