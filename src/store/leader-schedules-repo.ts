/** Scheduler bookkeeping shared by every replica: when each schedule fires next, and how it last went. */
import type { Kysely } from 'kysely';
import { toTimestamp } from './codec.js';
import type { SchedulesRepo } from './jobs-types.js';
import type { Database } from './schema.js';

export const createSchedulesRepo = (db: Kysely<Database>): SchedulesRepo => ({
  list: () => db.selectFrom('schedule_state').selectAll().orderBy('name').execute(),

  get: (name) =>
    db.selectFrom('schedule_state').selectAll().where('name', '=', name).executeTakeFirst(),

  async advance(name, expected, nextInput, jobId, atInput) {
    const at = toTimestamp(atInput);
    const next = toTimestamp(nextInput);
    // No job: only the time moves (a shortened interval), the record of the last firing stays.
    const moved =
      jobId === null
        ? { next_run_at: next, updated_at: at }
        : { next_run_at: next, last_enqueued_at: at, last_job_id: jobId, updated_at: at };
    if (expected === null) {
      const inserted = await db
        .insertInto('schedule_state')
        .values({ name, last_enqueued_at: null, last_job_id: null, ...moved })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return true;
    }
    const r = await db
      .updateTable('schedule_state')
      .set(moved)
      .where('name', '=', name)
      .where((eb) =>
        expected === null
          ? eb('next_run_at', 'is', null)
          : eb('next_run_at', '=', toTimestamp(expected)),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  async recordOutcome(name, jobId, outcome, atInput) {
    const at = toTimestamp(atInput);
    await db
      .insertInto('schedule_state')
      .values({
        name,
        next_run_at: null,
        last_enqueued_at: null,
        last_job_id: jobId,
        last_run_at: at,
        last_outcome: outcome,
        updated_at: at,
      })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({ last_run_at: at, last_outcome: outcome, updated_at: at }),
      )
      .execute();
  },
});
