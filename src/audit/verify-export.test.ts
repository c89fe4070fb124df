/** verifyExport on hand-built exports: no database, as an auditor would run it. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../store/types.js';
import { GENESIS_HASH, hashEvent } from './chain-hash.js';
import { EXPORT_TYPE } from './export.js';
import { createSigningKey, loadSigningKey, signCheckpoint } from './signing-key.js';
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

const exportOf = (events: AuditEvent[], checkpointSeqs: number[] = []) => [
  JSON.stringify({
    type: EXPORT_TYPE,
    version: 1,
    first_seq: events[0]?.seq ?? null,
    last_seq: events.at(-1)?.seq ?? null,
    checkpoints: checkpointSeqs.map((s) =>
      signCheckpoint(key, s, events.find((e) => e.seq === s)!.hash, '2026-01-02T00:00:00.000Z'),
    ),
  }),
  ...events.map((e) => JSON.stringify(e)),
];

describe('verifyExport', () => {
  const events = chain(50);

  it('accepts a whole chain and a mid-chain excerpt, with or without header', () => {
    expect(verifyExport(exportOf(events, [20, 50]), key.publicKeyPem)).toEqual({
      ok: true,
      events: 50,
      checkpoints: 2,
      head: events[49]!.hash,
    });
    expect(verifyExport(exportOf(events.slice(10, 30), [20]), key.publicKeyPem)).toMatchObject({
      ok: true,
      events: 20,
    });
    expect(
      verifyExport(
        events.slice(5).map((e) => JSON.stringify(e)),
        key.publicKeyPem,
      ),
    ).toMatchObject({ ok: true, events: 45 });
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
    header.checkpoints = [signCheckpoint(key, 20, events[18]!.hash, '2026-01-02T00:00:00.000Z')];
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
