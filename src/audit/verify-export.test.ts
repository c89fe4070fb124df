/** verifyExport on hand-built exports: no database, as an auditor would run it. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointHash, GENESIS_HASH, hashEvent } from './chain-hash.js';
import { EXPORT_TYPE } from './export.js';
import {
  createSigningKey,
  loadSigningKey,
  type SigningKey,
  signCheckpoint,
  signCheckpointV1,
} from './signing-key.js';
import type { AuditEvent } from './types.js';
import { verifyExport } from './verify-export.js';

const dir = mkdtempSync(join(tmpdir(), 'tenure-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = createSigningKey(dir);

const chain = (n: number): AuditEvent[] => {
  const out: AuditEvent[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = {
      seq,
      ts: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      action: 'entitlement.grant',
      actor: 'rule:eng',
      trigger: 'run:r1',
      target: `account:ldap/u${seq}`,
      outcome: 'success' as const,
      details: `{"seq":${seq}}`,
      prev_hash: prev,
      hash: '',
    };
    e.hash = hashEvent(e);
    prev = e.hash;
    out.push(e);
  }
  return out;
};

const TS = '2026-01-02T00:00:00.000Z';

/** Chained (version 2) checkpoints at `seqs`, the first linked to `prev` (64 zeros at genesis). */
const checkpointsAt = (
  events: AuditEvent[],
  seqs: number[],
  signer: SigningKey = key,
  prev = GENESIS_HASH,
) =>
  seqs.map((s) => {
    const cp = signCheckpoint(signer, s, events.find((e) => e.seq === s)!.hash, TS, prev);
    prev = checkpointHash(cp);
    return cp;
  });

const headerOf = (events: AuditEvent[], checkpoints: unknown[]) =>
  JSON.stringify({
    type: EXPORT_TYPE,
    version: 2,
    first_seq: events[0]?.seq ?? null,
    last_seq: events.at(-1)?.seq ?? null,
    checkpoints,
  });

const exportOf = (events: AuditEvent[], checkpointSeqs: number[] = [], signer = key) => [
  headerOf(events, checkpointsAt(events, checkpointSeqs, signer)),
  ...events.map((e) => JSON.stringify(e)),
];

describe('verifyExport', () => {
  const events = chain(50);

  it('accepts a whole chain and a mid-chain excerpt whose last event is signed', () => {
    expect(verifyExport(exportOf(events, [20, 50]), key.publicKeyPem)).toEqual({
      ok: true,
      events: 50,
      checkpoints: 2,
      head: events[49]!.hash,
      signed_through: 50,
      anchors: [],
      signatures: 'verified',
    });
    expect(verifyExport(exportOf(events.slice(10, 30), [20, 30]), key.publicKeyPem)).toMatchObject({
      ok: true,
      events: 20,
      signatures: 'verified',
    });
  });

  it('fails an export without header, without checkpoints, or without events', () => {
    const noHeader = events.slice(5).map((e) => JSON.stringify(e));
    expect(verifyExport(noHeader, key.publicKeyPem)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not an export header/),
    });
    expect(verifyExport(exportOf(events, []), key.publicKeyPem)).toMatchObject({
      ok: false,
      first_bad_seq: 50,
      signatures: 'not_checked',
      reason: expect.stringMatching(/seq 50\) is not covered by a checkpoint signed .*none/),
    });
    expect(verifyExport([headerOf([], [])], key.publicKeyPem)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/holds no events/),
    });
    expect(verifyExport([], key.publicKeyPem)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/export is empty/),
    });
    expect(verifyExport(['', ''], key.publicKeyPem)).toMatchObject({ ok: false });
  });

  it('fails when the events after the last checkpoint are not signed', () => {
    expect(verifyExport(exportOf(events, [20]), key.publicKeyPem)).toMatchObject({
      ok: false,
      first_bad_seq: 50,
      reason: expect.stringMatching(/not covered .*last signed: seq 20/),
    });
  });

  it('fails an export regenerated from genesis and signed with another key', () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'tenure-key-'));
    try {
      const other = createSigningKey(otherDir);
      const forged = chain(50).map((e) => ({ ...e }));
      forged[9]!.actor = 'admin:mallory';
      let prev = GENESIS_HASH;
      for (const e of forged) {
        e.prev_hash = prev;
        e.hash = hashEvent(e);
        prev = e.hash;
      }
      const lines = exportOf(forged, [20, 50], other);
      expect(verifyExport(lines, other.publicKeyPem)).toMatchObject({ ok: true });
      expect(verifyExport(lines, key.publicKeyPem)).toMatchObject({
        ok: false,
        first_bad_seq: 20,
        reason: expect.stringMatching(/unknown key/),
      });
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('fails when a checkpoint was removed from the header (checkpoints are chained)', () => {
    const cps = checkpointsAt(events, [10, 20, 50]);
    const lines = [headerOf(events, [cps[0], cps[2]]), ...events.map((e) => JSON.stringify(e))];
    expect(verifyExport(lines, key.publicKeyPem)).toMatchObject({
      ok: false,
      first_bad_seq: 50,
      reason: expect.stringMatching(/does not link to the previous checkpoint \(seq 10\)/),
    });
    const firstGone = [headerOf(events, [cps[1], cps[2]]), ...lines.slice(1)];
    expect(verifyExport(firstGone, key.publicKeyPem)).toMatchObject({
      ok: false,
      first_bad_seq: 20,
      reason: expect.stringMatching(/does not link .*\(none\)/),
    });
  });

  it('still verifies version 1 checkpoints of old data, chained into by version 2', () => {
    const v1 = signCheckpointV1(key, 20, events[19]!.hash, TS);
    const v2 = checkpointsAt(events, [50], key, checkpointHash(v1));
    const lines = [headerOf(events, [v1, ...v2]), ...events.map((e) => JSON.stringify(e))];
    expect(verifyExport(lines, key.publicKeyPem)).toMatchObject({ ok: true, checkpoints: 2 });
    // An old export: header version 1, checkpoints without prev_checkpoint.
    const { prev_checkpoint: _, ...old } = signCheckpointV1(key, 50, events[49]!.hash, TS);
    const header = JSON.parse(headerOf(events, [old]));
    const oldLines = [JSON.stringify({ ...header, version: 1 }), ...lines.slice(1)];
    expect(verifyExport(oldLines, key.publicKeyPem)).toMatchObject({ ok: true });
    // An unchained checkpoint after a chained one was slipped in.
    const late = signCheckpointV1(key, 50, events[49]!.hash, TS);
    const slipped = [headerOf(events, [...checkpointsAt(events, [20]), late]), ...lines.slice(1)];
    expect(verifyExport(slipped, key.publicKeyPem)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/unchained \(version 1\) after chained ones/),
    });
  });

  it('rejects a first event at seq 1 that does not start from genesis', () => {
    const forged = { ...events[0]!, prev_hash: 'f'.repeat(64) };
    forged.hash = hashEvent(forged);
    expect(verifyExport([JSON.stringify(forged)], key.publicKeyPem)).toMatchObject({
      ok: false,
      first_bad_seq: 1,
    });
  });

  it('rejects an edited field, a swapped line and a non-event line', () => {
    const lines = exportOf(events, [20]);
    const edited = [...lines];
    edited[31] = edited[31]!.replace('rule:eng', 'admin:mallory'); // seq 31
    expect(verifyExport(edited, key.publicKeyPem)).toMatchObject({ ok: false, first_bad_seq: 31 });
    const swapped = [...lines];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    expect(verifyExport(swapped, key.publicKeyPem)).toMatchObject({ ok: false, first_bad_seq: 3 });
    expect(verifyExport([lines[0]!, '{"seq":1}'], key.publicKeyPem)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not an audit event/),
    });
  });

  it('rejects a checkpoint whose hash does not match the exported chain', () => {
    const lines = exportOf(events, []);
    const header = JSON.parse(lines[0]!);
    header.checkpoints = [signCheckpoint(key, 20, events[18]!.hash, TS, GENESIS_HASH)];
    expect(
      verifyExport([JSON.stringify(header), ...lines.slice(1)], key.publicKeyPem),
    ).toMatchObject({
      ok: false,
      first_bad_seq: 20,
      reason: expect.stringMatching(/does not match/),
    });
  });
});

describe('signing key files', () => {
  it('writes a 0600 private key, loads it back, and never overwrites it', () => {
    expect(statSync(key.privateKeyPath).mode & 0o777).toBe(0o600);
    expect(key.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(loadSigningKey(dir).keyId).toBe(key.keyId);
    expect(createSigningKey(dir).keyId).toBe(key.keyId);
    expect(() => loadSigningKey(join(dir, 'nope'))).toThrow(
      expect.objectContaining({ code: 'audit.no_signing_key' }),
    );
  });
});
