/**
 * A database migrated from the release before chained checkpoints: its version 1 checkpoints
 * keep verifying, the first version 2 checkpoint links to the last of them, and from then on a
 * deleted checkpoint is caught.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkpointHash } from '../../src/audit/chain-hash.js';
import {
  createSigningKey,
  type SigningKey,
  signCheckpointV1,
  writeCheckpoint,
} from '../../src/audit/signing-key.js';
import { verifyAudit } from '../../src/audit/verify.js';
import { connect } from '../../src/store/connect.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';
import { auditInput } from '../support/fixtures.js';

const PREVIOUS = '20261128_0420_source_state';

describe.each(testDialects())('audit upgrade from version 1 checkpoints (%s)', (dialect) => {
  let t: TestStore;
  let key: SigningKey;
  let keyDir: string;
  beforeAll(() => {
    keyDir = mkdtempSync(join(tmpdir(), 'tenure-key-'));
    key = createSigningKey(keyDir);
  });
  afterAll(() => rmSync(keyDir, { recursive: true, force: true }));
  afterEach(() => t.cleanup());

  it('keeps v1 checkpoints valid and chains the first v2 one to the last v1', async () => {
    t = await createTestStore(dialect, { migrate: false });
    const { db } = connect(t.url);
    try {
      const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
      expect((await migrator.migrateTo(PREVIOUS)).error).toBeUndefined();
    } finally {
      await db.destroy();
    }
    // The previous release: events appended, a checkpoint signed `${seq}:${head_hash}`.
    await t.store.audit.append(Array.from({ length: 5 }, (_, i) => auditInput(i)));
    const head = await t.store.audit.head();
    const v1 = signCheckpointV1(key, head.seq, head.hash, '2026-11-30T00:00:00.000Z');
    await t.exec(
      `INSERT INTO audit_checkpoints (seq, head_hash, ts, key_id, signature) VALUES (${v1.seq}, '${v1.head_hash}', '${v1.ts}', '${v1.key_id}', '${v1.signature}')`,
    );

    await t.store.migrate();
    expect(await t.store.audit.checkpoints()).toEqual([{ ...v1, prev_checkpoint: null }]);
    expect(await verifyAudit(t.store, key.publicKeyPem)).toMatchObject({
      ok: true,
      signatures: 'verified',
    });
    await t.store.audit.append([auditInput(5)]);
    const v2 = await writeCheckpoint(t.store, key);
    expect(v2).toMatchObject({ seq: 6, prev_checkpoint: checkpointHash(v1) });
    expect(await verifyAudit(t.store, key.publicKeyPem)).toMatchObject({
      ok: true,
      checkpoints: 2,
      signed_through: 6,
    });

    const drop =
      dialect === 'sqlite'
        ? 'DROP TRIGGER audit_checkpoints_no_delete'
        : 'DROP TRIGGER audit_checkpoints_append_only ON audit_checkpoints';
    await t.exec(drop);
    await t.exec(`DELETE FROM audit_checkpoints WHERE seq = ${v1.seq}`);
    expect(await verifyAudit(t.store, key.publicKeyPem)).toMatchObject({
      ok: false,
      first_bad_seq: 6,
      reason: expect.stringMatching(/does not link to the previous checkpoint/),
    });
  });
});
