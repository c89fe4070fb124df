/** hashEvent: a fixed vector, sensitivity to every field, and no field-boundary ambiguity. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CheckpointFields,
  checkpointHash,
  checkpointMessage,
  GENESIS_HASH,
  type HashedFields,
  hashEvent,
} from './chain-hash.js';

const base: HashedFields = {
  seq: 1,
  ts: '2026-11-26T18:52:15.123Z',
  action: 'account.create',
  actor: 'rule:eng',
  trigger: 'run:r1',
  target: 'account:ldap/ada',
  outcome: 'success',
  details: '{"a":1}',
  prev_hash: GENESIS_HASH,
};

describe('hashEvent', () => {
  it('is SHA-256 hex over the JSON array of the stored fields', () => {
    const text = `["${GENESIS_HASH}",1,"2026-11-26T18:52:15.123Z","account.create","rule:eng","run:r1","account:ldap/ada","success","{\\"a\\":1}"]`;
    const expected = createHash('sha256').update(text).digest('hex');
    expect(hashEvent(base)).toBe(expected);
    expect(hashEvent(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when any field changes', () => {
    for (const field of Object.keys(base) as (keyof HashedFields)[]) {
      const changed = { ...base, [field]: field === 'seq' ? 2 : `${base[field]}x` };
      expect(hashEvent(changed), field).not.toBe(hashEvent(base));
    }
  });

  it('cannot be fooled by moving a newline or separator across fields', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
        fc.pre(a + b !== a + c);
        const one = hashEvent({ ...base, action: `${a}\n${b}`, actor: c });
        const two = hashEvent({ ...base, action: a, actor: `${b}\n${c}` });
        expect(one).not.toBe(two);
      }),
    );
  });
});

describe('checkpoint message and hash', () => {
  const cp: CheckpointFields = {
    seq: 7,
    head_hash: 'a'.repeat(64),
    key_id: '0123456789abcdef',
    signature: 'c2ln',
    prev_checkpoint: GENESIS_HASH,
  };

  it('v2 signs the JSON array ["tenure.checkpoint.v2", seq, head_hash, prev_checkpoint]', () => {
    expect(checkpointMessage(cp)).toBe(
      `["tenure.checkpoint.v2",7,"${'a'.repeat(64)}","${GENESIS_HASH}"]`,
    );
    expect(checkpointMessage({ ...cp, prev_checkpoint: null })).toBe(`7:${'a'.repeat(64)}`);
  });

  it('hashes the whole row, signature included, so the next checkpoint pins it', () => {
    const text = `["tenure.checkpoint",7,"${'a'.repeat(64)}","${GENESIS_HASH}","0123456789abcdef","c2ln"]`;
    expect(checkpointHash(cp)).toBe(createHash('sha256').update(text).digest('hex'));
    for (const field of Object.keys(cp) as (keyof CheckpointFields)[]) {
      const changed = { ...cp, [field]: field === 'seq' ? 8 : `${cp[field]}x` };
      expect(checkpointHash(changed), field).not.toBe(checkpointHash(cp));
    }
    expect(checkpointHash({ ...cp, prev_checkpoint: null })).not.toBe(checkpointHash(cp));
  });
});
