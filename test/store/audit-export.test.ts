/** Audit export: JSONL and CSV with since/until, and offline verification of the JSONL. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportOptions, exportAudit } from '../../src/audit/export.js';
import { createSigningKey, type SigningKey, writeCheckpoint } from '../../src/audit/signing-key.js';
import { verifyExport } from '../../src/audit/verify-export.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';
import { auditInput, testClock } from '../support/fixtures.js';

/** Minute m of 2026-07-01, when event m+1 was appended. */
const minute = (m: number) => new Date(Date.UTC(2026, 6, 1, 0, m)).toISOString();

describe.each(testDialects())('audit export (%s)', (dialect) => {
  let t: TestStore;
  let key: SigningKey;
  let keyDir: string;
  const clock = testClock(minute(0));

  const run = async (opts: Omit<ExportOptions, 'out'>) => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const count = await exportAudit(t.store, { ...opts, out });
    out.end();
    return { count, text: Buffer.concat(chunks).toString('utf8') };
  };
  const lines = (text: string) => text.split('\n').filter(Boolean);

  beforeAll(async () => {
    t = await createTestStore(dialect, { clock });
    keyDir = mkdtempSync(join(tmpdir(), 'tenure-key-'));
    key = createSigningKey(keyDir);
    // One event a minute for 30 minutes, checkpoints after events 10, 25 and 30.
    for (let m = 0; m < 30; m++) {
      clock.set(minute(m));
      await t.store.audit.append([auditInput(m, { details: { m, text: 'a,b "c"\nd' } })]);
      if (m === 9 || m === 24 || m === 29) await writeCheckpoint(t.store, key, { at: minute(m) });
    }
  });
  afterAll(async () => {
    await t.cleanup();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('exports everything as JSONL with a header, and it verifies offline', async () => {
    const { count, text } = await run({ format: 'jsonl', publicKeyPem: key.publicKeyPem });
    expect(count).toBe(30);
    const [head, ...events] = lines(text);
    expect(JSON.parse(head!)).toMatchObject({
      type: 'tenure.audit.export',
      version: 2,
      first_seq: 1,
      last_seq: 30,
      key_id: key.keyId,
      public_key: key.publicKeyPem,
      checkpoints: [{ seq: 10 }, { seq: 25 }, { seq: 30 }],
    });
    expect(events).toHaveLength(30);
    expect(JSON.parse(events[0]!).details).toBe('{"m":0,"text":"a,b \\"c\\"\\nd"}');
    expect(verifyExport(lines(text), key.publicKeyPem)).toMatchObject({
      ok: true,
      events: 30,
      checkpoints: 3,
      signatures: 'verified',
      signed_through: 30,
    });
  });

  it('exports a since/until window extended to the next checkpoint, so its end is signed', async () => {
    const { count, text } = await run({ format: 'jsonl', since: minute(5), until: minute(20) });
    expect(count).toBe(20);
    const [head, ...events] = lines(text);
    expect(JSON.parse(head!)).toMatchObject({
      first_seq: 6,
      last_seq: 25,
      public_key: null,
      checkpoints: [{ seq: 10 }, { seq: 25 }],
    });
    expect(events.map((l) => JSON.parse(l).seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 6),
    );
    expect(verifyExport(lines(text), key.publicKeyPem)).toMatchObject({
      ok: true,
      events: 20,
      checkpoints: 2,
    });
  });

  it('an empty window exports only the header, which attests nothing and fails', async () => {
    const { count, text } = await run({ format: 'jsonl', since: '2030-01-01T00:00:00Z' });
    expect(count).toBe(0);
    expect(lines(text)).toHaveLength(1);
    expect(verifyExport(lines(text), key.publicKeyPem)).toMatchObject({
      ok: false,
      events: 0,
      reason: expect.stringMatching(/holds no events/),
    });
  });

  it('verifyExport fails on an edited, a removed or a reordered line', async () => {
    const all = lines((await run({ format: 'jsonl' })).text);
    const edited = [...all];
    edited[13] = edited[13]!.replace('"outcome":"success"', '"outcome":"failure"'); // seq 13
    expect(verifyExport(edited, key.publicKeyPem)).toMatchObject({
      ok: false,
      first_bad_seq: 13,
      reason: expect.stringMatching(/hash mismatch/),
    });

    const gap = all.filter((_, i) => i !== 8); // seq 8 removed
    expect(verifyExport(gap, key.publicKeyPem)).toMatchObject({ ok: false, first_bad_seq: 8 });

    const cut = all.slice(0, 28); // seqs 28..30 removed: header says last_seq 30, checkpoint 25 survives
    expect(verifyExport(cut, key.publicKeyPem)).toMatchObject({ ok: false, first_bad_seq: 28 });

    const cutPastCheckpoint = all.slice(0, 20); // header checkpoint at 25 is beyond the end
    expect(verifyExport(cutPastCheckpoint, key.publicKeyPem)).toMatchObject({
      ok: false,
      first_bad_seq: 20,
      reason: expect.stringMatching(/beyond the end/),
    });

    expect(verifyExport([all[0]!, 'not json'], key.publicKeyPem)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not valid JSON/),
    });
  });

  it('verifyExport fails when checked against the wrong public key', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'tenure-key-'));
    try {
      const other = createSigningKey(otherDir);
      const { text } = await run({ format: 'jsonl' });
      expect(verifyExport(lines(text), other.publicKeyPem)).toMatchObject({
        ok: false,
        first_bad_seq: 10,
        reason: expect.stringMatching(/unknown key/),
      });
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('exports CSV that a CSV parser reads back exactly', async () => {
    const { count, text } = await run({ format: 'csv', since: minute(28) });
    expect(count).toBe(2);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([
      'seq',
      'ts',
      'action',
      'actor',
      'trigger',
      'target',
      'outcome',
      'details',
      'prev_hash',
      'hash',
    ]);
    const jsonl = lines((await run({ format: 'jsonl', since: minute(28) })).text)
      .slice(1)
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => ({ ...r, seq: Number(r.seq) }))).toEqual(jsonl);
    // Only JSONL is moved forward to a checkpoint: a CSV window ends where it was asked to.
    const windowed = await run({ format: 'csv', since: minute(5), until: minute(20) });
    expect(windowed.count).toBe(15);
  });

  // Last: it appends to the shared chain.
  it('an export past the last checkpoint fails: its tail is not signed', async () => {
    clock.set(minute(30));
    await t.store.audit.append([auditInput(30)]);
    const all = lines((await run({ format: 'jsonl' })).text);
    expect(all).toHaveLength(32);
    expect(verifyExport(all, key.publicKeyPem)).toMatchObject({
      ok: false,
      first_bad_seq: 31,
      reason: expect.stringMatching(/seq 31\) is not covered .*last signed: seq 30/),
    });
    const noCheckpoints = [
      JSON.stringify({ ...JSON.parse(all[0]!), checkpoints: [] }),
      ...all.slice(1),
    ];
    expect(verifyExport(noCheckpoints, key.publicKeyPem)).toMatchObject({
      ok: false,
      first_bad_seq: 31,
    });
    expect(verifyExport(all.slice(1), key.publicKeyPem)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not an export header/),
    });
  });
});
