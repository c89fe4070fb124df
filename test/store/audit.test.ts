/** Audit chain on both databases: append, read, verify, checkpoints and the append-only triggers. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashEvent } from '../../src/audit/chain-hash.js';
import { createSigningKey, type SigningKey, writeCheckpoint } from '../../src/audit/signing-key.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';
import { auditInput, testClock } from '../support/fixtures.js';

describe.each(testDialects())('audit chain (%s)', (dialect) => {
  let t: TestStore;
  let key: SigningKey;
  let keyDir: string;
  const clock = testClock('2026-06-01T12:00:00.000Z');
  beforeAll(async () => {
    t = await createTestStore(dialect, { clock });
    keyDir = mkdtempSync(join(tmpdir(), 'tenure-key-'));
    key = createSigningKey(keyDir);
  });
  afterAll(async () => {
    await t.cleanup();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('verifies an empty chain and refuses to checkpoint it', async () => {
    expect(await verifyAudit(t.store, key.publicKeyPem)).toEqual({
      ok: true,
      events: 0,
      checkpoints: 0,
      head: GENESIS_HASH,
      signed_through: 0,
      anchors: [],
      signatures: 'not_checked',
      signatures_reason: 'no signed checkpoint was checked',
    });
    expect(await writeCheckpoint(t.store, key)).toBeUndefined();
  });

  it('appends linked, hashed events with canonical details', async () => {
    const [first, second] = await t.store.audit.append([
      auditInput(1, { details: { z: 1, a: { y: [2, { c: 3, b: 4 }], x: null } } }),
      auditInput(2, { ts: '2026-06-01T11:59:59Z' }),
    ]);
    expect(first).toMatchObject({
      seq: 1,
      ts: '2026-06-01T12:00:00.000Z',
      prev_hash: GENESIS_HASH,
      details: '{"a":{"x":null,"y":[2,{"b":4,"c":3}]},"z":1}',
    });
    expect(first!.hash).toBe(hashEvent(first!));
    expect(second).toMatchObject({
      seq: 2,
      ts: '2026-06-01T11:59:59.000Z',
      prev_hash: first!.hash,
    });
    expect(await t.store.audit.head()).toEqual({ seq: 2, hash: second!.hash });
    expect(await t.store.audit.append([])).toEqual([]);
  });

  it('appends large batches in chunks and in one transaction', async () => {
    clock.advance(60_000);
    const events = await t.store.audit.append(
      Array.from({ length: 4500 }, (_, i) => auditInput(i)),
    );
    expect(events.at(-1)?.seq).toBe(4502);
    const read = [];
    for await (const e of t.store.audit.iterate({ batch: 1000 })) read.push(e);
    expect(read.length).toBe(4502);
    expect(read[4501]).toEqual(events.at(-1));
  });

  it('iterates by ts window and by seq range', async () => {
    const since = '2026-06-01T12:00:30.000Z';
    const inWindow = [];
    for await (const e of t.store.audit.iterate({ since, batch: 700 })) inWindow.push(e.seq);
    expect(inWindow[0]).toBe(3);
    expect(inWindow.length).toBe(4500);
    const early = [];
    for await (const e of t.store.audit.iterate({ until: since })) early.push(e.seq);
    expect(early).toEqual([1, 2]);
    const slice = [];
    for await (const e of t.store.audit.iterate({ fromSeq: 10, toSeq: 12 })) slice.push(e.seq);
    expect(slice).toEqual([10, 11, 12]);
    expect(await t.store.audit.seqRange({ since })).toEqual({ first: 3, last: 4502 });
    expect(await t.store.audit.seqRange({ since: '2030-01-01T00:00:00Z' })).toBeUndefined();
  });

  it('rolls back an append made inside a failed transaction', async () => {
    await expect(
      t.store.transaction(async (tx) => {
        await tx.audit.append([auditInput(0)]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await t.store.audit.head()).seq).toBe(4502);
  });

  it('serialises concurrent appenders into one chain', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        t.store.audit.append(Array.from({ length: 25 }, (_, i) => auditInput(w * 100 + i))),
      ),
    );
    expect((await t.store.audit.head()).seq).toBe(4702);
    expect(await verifyAudit(t.store)).toMatchObject({ ok: true, events: 4702 });
  });

  it('writes signed checkpoints that verify', async () => {
    const cp = await writeCheckpoint(t.store, key, { at: '2026-06-02T00:00:00Z' });
    expect(cp).toMatchObject({ seq: 4702, key_id: key.keyId });
    await writeCheckpoint(t.store, key); // same head again: no duplicate
    await t.store.audit.append([auditInput(9)]);
    await writeCheckpoint(t.store, key);
    expect((await t.store.audit.checkpoints()).map((c) => c.seq)).toEqual([4702, 4703]);
    expect(await verifyAudit(t.store, key.publicKeyPem)).toEqual({
      ok: true,
      events: 4703,
      checkpoints: 2,
      head: (await t.store.audit.head()).hash,
      signed_through: 4703,
      anchors: [],
      signatures: 'verified',
    });
  });

  const refused = dialect === 'sqlite' ? /append-only: (UPDATE|DELETE) refused/ : /append-only/;
  it.each([
    ["UPDATE audit_events SET actor = 'admin:mallory' WHERE seq = 3"],
    ['DELETE FROM audit_events WHERE seq = 3'],
    ['UPDATE audit_checkpoints SET seq = 1'],
    ['DELETE FROM audit_checkpoints'],
    // SQLite has no TRUNCATE (its DELETE without WHERE fires the trigger, tested above).
    ...(dialect === 'postgres' ? [['TRUNCATE audit_events'], ['TRUNCATE audit_checkpoints']] : []),
  ])('the database refuses: %s', async (statement) => {
    await expect(t.exec(statement)).rejects.toThrow(refused);
  });

  it('is still intact after the refused attempts', async () => {
    expect(await verifyAudit(t.store, key.publicKeyPem)).toMatchObject({ ok: true, events: 4703 });
  });
});
