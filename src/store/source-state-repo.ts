/** Per-source state: where the next delta read of an HR system starts (tenure import --changed). */
import type { Kysely } from 'kysely';
import { toTimestamp } from './codec.js';
import type { Database } from './schema.js';

export type SourceStateTable = {
  source_id: string;
  watermark: string | null;
  updated_at: string;
};

export type SourceStateRow = SourceStateTable;

export type SourceStateRepo = {
  get(sourceId: string): Promise<SourceStateRow | undefined>;
  /** Upserts; call it in the import's transaction so a failed import does not move it. */
  setWatermark(sourceId: string, watermark: string, at: string): Promise<void>;
};

export const createSourceStateRepo = (root: Kysely<Database>): SourceStateRepo => {
  const db = root.withTables<{ source_state: SourceStateTable }>();
  return {
    async get(sourceId) {
      return db
        .selectFrom('source_state')
        .selectAll()
        .where('source_id', '=', sourceId)
        .executeTakeFirst();
    },
    async setWatermark(sourceId, watermark, at) {
      const updated_at = toTimestamp(at);
      await db
        .insertInto('source_state')
        .values({ source_id: sourceId, watermark, updated_at })
        .onConflict((oc) => oc.column('source_id').doUpdateSet({ watermark, updated_at }))
        .execute();
    },
  };
};
