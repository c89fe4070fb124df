/** Tampering: with the triggers dropped, every kind of edit must still be caught by verify. */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  appendWitnessFile,
  readHeadFile,
  readWitnessFile,
  writeHeadFile,
} from '../../src/audit/anchor-files.js';
import { checkpointHash, GENESIS_HASH, hashEvent } from '../../src/audit/chain-hash.js';
import {
  createSigningKey,
  keyIdOf,
  type SigningKey,
  signCheckpoint,
  writeCheckpoint,
} from '../../src/audit/signing-key.js';
import { verifyAudit } from '../../src/audit/verify.js';
import {
  createTestStore,
  type TestDialect,
  type TestStore,
  testDialects,
} from '../support/databases.js';
import { auditInput } from '../support/fixtures.js';

const dropGuards = (dialect: TestDialect) =>
  dialect === 'sqlite'
    ? `DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;
       DROP TRIGGER audit_checkpoints_no_update; DROP TRIGGER audit_checkpoints_no_delete;`
    : `DROP TRIGGER audit_events_append_only ON audit_events;
       DROP TRIGGER audit_checkpoints_append_only ON audit_checkpoints;`;

describe.each(testDialects())('audit tampering (%s)', (dialect) => {
  let t: TestStore;
  let key: SigningKey;
  let keyDir: string;
  beforeAll(() => {
    keyDir = mkdtempSync(join(tmpdir(), 'tenure-key-'));
    key = createSigningKey(keyDir);
  });
  afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

  // 20 events, a checkpoint at 10, the guards dropped: a fresh victim per test.
  beforeEach(async () => {
    t = await createTestStore(dialect);
    await t.store.audit.append(Array.from({ length: 10 }, (_, i) => auditInput(i)));
    await writeCheckpoint(t.store, key);
    await t.store.audit.append(Array.from({ length: 10 }, (_, i) => auditInput(10 + i)));
    await t.exec(dropGuards(dialect));
    expect(await verifyAudit(t.store, key.publicKeyPem)).toMatchObject({ ok: true, events: 20 });
  });
  afterEach(() => t.cleanup());

  const verify = () => verifyAudit(t.store, key.publicKeyPem);

  it('an UPDATE of one row fails at that seq', async () => {
    await t.exec("UPDATE audit_events SET outcome = 'failure' WHERE seq = 14");
    expect(await verify()).toMatchObject({
      ok: false,
      first_bad_seq: 14,
      reason: expect.stringMatching(/hash mismatch/),
    });
  });

  it('an UPDATE that also recomputes the hash breaks the next link', async () => {
    const [row] = await t.query<Record<string, string | number>>(
      'SELECT * FROM audit_events WHERE seq = 15',
    );
    const forged = { ...row, seq: Number(row!.seq), actor: 'admin:mallory' } as never;
    await t.exec(
      `UPDATE audit_events SET actor = 'admin:mallory', hash = '${hashEvent(forged)}' WHERE seq = 15`,
    );
    expect(await verify()).toMatchObject({
      ok: false,
      first_bad_seq: 16,
      reason: expect.stringMatching(/prev_hash/),
    });
  });

  it('an UPDATE before a checkpoint, re-hashed all the way, is caught by the checkpoint', async () => {
    // Rewrite events 5..20 consistently: only the signed checkpoint at 10 can tell.
    await t.exec("UPDATE audit_events SET actor = 'admin:mallory' WHERE seq = 5");
    const rows = await t.query<Record<string, string | number>>(
      'SELECT * FROM audit_events ORDER BY seq',
    );
    let prev = String(rows[3]!.hash);
    for (const r of rows.slice(4)) {
      const fixed = { ...r, seq: Number(r.seq), prev_hash: prev } as never;
      prev = hashEvent(fixed);
      await t.exec(
        `UPDATE audit_events SET prev_hash = '${(fixed as { prev_hash: string }).prev_hash}', hash = '${prev}' WHERE seq = ${r.seq}`,
      );
    }
    expect(await verify()).toMatchObject({
      ok: false,
      first_bad_seq: 10,
      reason: expect.stringMatching(/checkpoint at seq 10 does not match/),
    });
  });

  it('a DELETE of one row fails at that seq', async () => {
    await t.exec('DELETE FROM audit_events WHERE seq = 7');
    expect(await verify()).toMatchObject({
      ok: false,
      first_bad_seq: 7,
      reason: expect.stringMatching(/missing/),
    });
  });

  it('truncating the tail past a checkpoint fails', async () => {
    await t.exec('DELETE FROM audit_events WHERE seq >= 9');
    expect(await verify()).toMatchObject({
      ok: false,
      events: 8,
      first_bad_seq: 9,
      reason: expect.stringMatching(/beyond the end/),
    });
  });

  it('a forged checkpoint signature fails', async () => {
    const head = await t.store.audit.head();
    const other = generateKeyPairSync('ed25519').privateKey;
    const forged = signCheckpoint(
      { ...key, privateKey: other },
      head.seq,
      head.hash,
      '2026-06-03T00:00:00Z',
      checkpointHash((await t.store.audit.checkpoints())[0]!),
    );
    await t.store.audit.addCheckpoint(forged);
    expect(await verify()).toMatchObject({
      ok: false,
      first_bad_seq: 20,
      reason: expect.stringMatching(/bad signature/),
    });
    // Without a key, the chain and checkpoint hashes are still checked, signatures are not.
    expect(await verifyAudit(t.store)).toMatchObject({ ok: true });
  });

  it('a checkpoint by an unknown key fails; a rotated key list accepts it', async () => {
    const dir2 = mkdtempSync(join(tmpdir(), 'tenure-key-'));
    try {
      const key2 = createSigningKey(dir2);
      expect(key2.keyId).toBe(keyIdOf(createPublicKey(key2.publicKeyPem)));
      await writeCheckpoint(t.store, key2);
      expect(await verify()).toMatchObject({
        ok: false,
        first_bad_seq: 20,
        reason: expect.stringMatching(/unknown key/),
      });
      expect(await verifyAudit(t.store, [key.publicKeyPem, key2.publicKeyPem])).toMatchObject({
        ok: true,
        checkpoints: 2,
      });
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  it('a deleted checkpoint is detected: the next one no longer links to its predecessor', async () => {
    await writeCheckpoint(t.store, key); // seq 20, chained to the one at 10
    expect(await verify()).toMatchObject({ ok: true, checkpoints: 2, signed_through: 20 });
    await t.exec('DELETE FROM audit_checkpoints WHERE seq = 10');
    expect(await verify()).toMatchObject({
      ok: false,
      first_bad_seq: 20,
      reason: expect.stringMatching(/does not link to the previous checkpoint/),
    });
  });

  it('checkpoints are written once per head and chained under the append lock', async () => {
    await writeCheckpoint(t.store, key);
    expect(await writeCheckpoint(t.store, key)).toBeUndefined(); // head 20 already signed
    const [first, second] = await t.store.audit.checkpoints();
    expect(first).toMatchObject({ seq: 10, prev_checkpoint: GENESIS_HASH });
    expect(second).toMatchObject({ seq: 20, prev_checkpoint: checkpointHash(first!) });
  });

  it('says whether signatures were checked, and why not', async () => {
    expect(await verify()).toMatchObject({ ok: true, signatures: 'verified', signed_through: 10 });
    expect(await verifyAudit(t.store, { noKeyReason: 'no key file at x' })).toMatchObject({
      ok: true,
      signatures: 'not_checked',
      signatures_reason: 'no key file at x',
    });
  });

  it('deleting every checkpoint, then rewriting and re-hashing, is caught by the anchored head', async () => {
    const cp = await writeCheckpoint(t.store, key); // seq 20
    const headFile = join(keyDir, `head-${dialect}.json`);
    const witness = join(keyDir, `witness-${dialect}.jsonl`);
    writeHeadFile(headFile, cp!);
    for (const c of await t.store.audit.checkpoints()) appendWitnessFile(witness, c);
    const anchors = () => [...readHeadFile(headFile).anchors, ...readWitnessFile(witness).anchors];
    expect(
      await verifyAudit(t.store, { publicKeyPem: key.publicKeyPem, anchors: anchors() }),
    ).toMatchObject({ ok: true });

    await t.exec('DELETE FROM audit_checkpoints');
    await t.exec("UPDATE audit_events SET actor = 'admin:mallory' WHERE seq = 5");
    const rows = await t.query<Record<string, string | number>>(
      'SELECT * FROM audit_events ORDER BY seq',
    );
    let prev = String(rows[3]!.hash);
    for (const r of rows.slice(4)) {
      const fixed = { ...r, seq: Number(r.seq), prev_hash: prev } as never;
      prev = hashEvent(fixed);
      await t.exec(
        `UPDATE audit_events SET prev_hash = '${(fixed as { prev_hash: string }).prev_hash}', hash = '${prev}' WHERE seq = ${r.seq}`,
      );
    }
    // From the database alone the rewrite is consistent: only an anchor outside it can tell.
    expect(await verify()).toMatchObject({ ok: true, checkpoints: 0, signatures: 'not_checked' });
    expect(
      await verifyAudit(t.store, { publicKeyPem: key.publicKeyPem, anchors: anchors() }),
    ).toMatchObject({
      ok: false,
      first_bad_seq: 20,
      reason: expect.stringMatching(
        /anchors the checkpoint at seq 20, which is missing from the database/,
      ),
    });
    rmSync(headFile);
    rmSync(witness);
  });
});
