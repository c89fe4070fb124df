/** The audit chain's storage: hash-linked appends under one lock, keyset-paged reads, checkpoints. */
import { type Kysely, sql } from 'kysely';
import { canonicalJson } from '../audit/canonical-json.js';
import { checkpointHash, GENESIS_HASH, hashEvent } from '../audit/chain-hash.js';
import type { AuditCheckpoint, AuditEvent, AuditInput } from '../audit/types.js';
import type { Clock } from '../domain/types.js';
import { flushClosedRefusals, recordRefusal } from './audit-refusals.js';
import type { AuditRepo } from './audit-types.js';
import { insertChunks, inTransaction, toTimestamp } from './codec.js';
import type { Database, StoreDialect } from './schema.js';

/** Any fixed number: the PostgreSQL advisory lock that serialises audit appenders. */
const AUDIT_LOCK_KEY = 7_465_617_564; // "tenure audit"
/**
 * Rows per INSERT. PostgreSQL: 2,000 (10 columns each, under its 65,535 bound parameters), as
 * each statement is a round trip. SQLite is in-process, and there one statement of 2,000 rows
 * (20,000 parameters) took ~10% more CPU than 50-row ones (measured 25 to 2,000 with
 * bench/audit.bench.ts's events; 50 to 100 were best).
 */
const INSERT_CHUNK = { postgres: 2000, sqlite: 50 } as const satisfies Record<StoreDialect, number>;

const readHead = async (db: Kysely<Database>) => {
  const row = await db
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? { seq: 0, hash: GENESIS_HASH };
};

/** The last checkpoint in chain order (seq, then key id, as `checkpoints()` lists them). */
const readLastCheckpoint = async (db: Kysely<Database>) =>
  (await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .orderBy('seq', 'desc')
    .orderBy('key_id', 'desc')
    .limit(1)
    .executeTakeFirst()) as AuditCheckpoint | undefined;

const insertCheckpoint = (db: Kysely<Database>, cp: AuditCheckpoint) =>
  db
    .insertInto('audit_checkpoints')
    .values({
      seq: cp.seq,
      head_hash: cp.head_hash,
      ts: toTimestamp(cp.ts),
      key_id: cp.key_id,
      signature: cp.signature,
      prev_checkpoint: cp.prev_checkpoint,
    })
    .onConflict((oc) => oc.columns(['seq', 'key_id']).doNothing())
    .execute();

export const createAuditRepo = (
  db: Kysely<Database>,
  dialect: StoreDialect,
  clock: Clock,
): AuditRepo => {
  // SQLite: BEGIN IMMEDIATE already holds the write lock. PostgreSQL: two appenders reading
  // the same head would fork the chain (one then fails on the seq key); queue them instead.
  // Checkpoint writers take the same lock, so the checkpoint chain cannot fork either.
  const lockChain = async (trx: Kysely<Database>) => {
    if (dialect === 'postgres')
      await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
  };
  /** Appends under the chain lock, inside the caller's transaction. */
  const appendIn = async (trx: Kysely<Database>, inputs: AuditInput[]): Promise<AuditEvent[]> => {
    await lockChain(trx);
    const head = await readHead(trx);
    const now = clock().toISOString();
    let { seq, hash: prev } = head;
    const events: AuditEvent[] = inputs.map((input) => {
      const event = {
        seq: ++seq,
        ts: input.ts === undefined ? now : toTimestamp(input.ts),
        action: input.action,
        actor: input.actor,
        trigger: input.trigger,
        target: input.target,
        outcome: input.outcome,
        details: canonicalJson(input.details ?? {}),
        prev_hash: prev,
        hash: '',
      };
      event.hash = hashEvent(event);
      prev = event.hash;
      return event;
    });
    await insertChunks(trx, dialect, 'audit_events', events, INSERT_CHUNK[dialect], (rows) =>
      trx.insertInto('audit_events').values(rows),
    );
    return events;
  };
  return {
    async append(inputs) {
      if (inputs.length === 0) return [];
      return inTransaction(db, (trx) => appendIn(trx, inputs));
    },

    async recordRefusal(refusal) {
      return inTransaction(db, async (trx) => {
        await lockChain(trx);
        await flushClosedRefusals(trx, appendIn, refusal.ts);
        return recordRefusal(trx, appendIn, refusal);
      });
    },

    async flushRefusals(now) {
      return inTransaction(db, async (trx) => {
        await lockChain(trx);
        return flushClosedRefusals(trx, appendIn, now);
      });
    },

    head: () => readHead(db),

    async *iterate(opts = {}) {
      const batch = opts.batch ?? 5000;
      let after = (opts.fromSeq ?? 1) - 1;
      for (;;) {
        let q = db.selectFrom('audit_events').selectAll().where('seq', '>', after);
        if (opts.toSeq !== undefined) q = q.where('seq', '<=', opts.toSeq);
        if (opts.since !== undefined) q = q.where('ts', '>=', toTimestamp(opts.since));
        if (opts.until !== undefined) q = q.where('ts', '<', toTimestamp(opts.until));
        // Rows are yielded as read (no per-row copy): the verify walk is this loop's hot path.
        const rows = (await q.orderBy('seq').limit(batch).execute()) as AuditEvent[];
        for (const row of rows) yield row;
        if (rows.length < batch) return;
        after = rows[rows.length - 1]!.seq;
      }
    },

    async seqRange({ since, until } = {}) {
      let first = db.selectFrom('audit_events').select((eb) => eb.fn.min('seq').as('seq'));
      let last = db.selectFrom('audit_events').select((eb) => eb.fn.max('seq').as('seq'));
      if (since !== undefined) first = first.where('ts', '>=', toTimestamp(since));
      if (until !== undefined) last = last.where('ts', '<', toTimestamp(until));
      const [lo, hi] = [await first.executeTakeFirst(), await last.executeTakeFirst()];
      if (lo?.seq == null || hi?.seq == null || Number(lo.seq) > Number(hi.seq)) return undefined;
      return { first: Number(lo.seq), last: Number(hi.seq) };
    },

    async addCheckpoint(cp) {
      await insertCheckpoint(db, cp);
    },

    async appendCheckpoint(sign) {
      return inTransaction(db, async (trx) => {
        await lockChain(trx);
        const head = await readHead(trx);
        const last = await readLastCheckpoint(trx);
        // Nothing new to attest: a second checkpoint of the same head would only fork the order.
        if (head.seq === 0 || (last && last.seq >= head.seq)) return undefined;
        const cp = sign(head, last ? checkpointHash(last) : GENESIS_HASH);
        await insertCheckpoint(trx, cp);
        return cp;
      });
    },

    async checkpoints() {
      return db
        .selectFrom('audit_checkpoints')
        .selectAll()
        .orderBy('seq')
        .orderBy('key_id')
        .execute();
    },
  };
};
