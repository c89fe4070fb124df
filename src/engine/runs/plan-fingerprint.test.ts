import { describe, expect, it } from 'vitest';
import type { Operation } from '../../domain/types.js';
import {
  configHash,
  describeDrift,
  drifted,
  intact,
  type PlanInputs,
  planDrift,
  planFingerprint,
  sealPlan,
} from './plan-fingerprint.js';

const inputs: PlanInputs = {
  workspace: 'Acme',
  config: 'c1',
  sources: { hr: { snapshot_id: 4, sha256: 'aa' }, contractors: null },
  identity_ids: null,
};
const op = (key: string, extra: Partial<Operation> = {}): Operation => ({
  key,
  kind: 'account.create',
  app_id: 'dir',
  identity_id: 'E1',
  account_id: 'e1',
  reasons: [],
  lifecycle: ['joiner'],
  ...extra,
});

describe('planFingerprint', () => {
  it('is the same for the same inputs, whatever the key order', () => {
    const reordered: PlanInputs = {
      identity_ids: null,
      sources: { contractors: null, hr: { sha256: 'aa', snapshot_id: 4 } },
      config: 'c1',
      workspace: 'Acme',
    };
    expect(planFingerprint(reordered)).toBe(planFingerprint(inputs));
  });

  it('changes when a source has a newer snapshot', () => {
    const moved = {
      ...inputs,
      sources: { ...inputs.sources, hr: { snapshot_id: 5, sha256: 'bb' } },
    };
    expect(planFingerprint(moved)).not.toBe(planFingerprint(inputs));
  });
});

describe('configHash', () => {
  it('ignores where tenure.yaml lives, not what it says', () => {
    const a = configHash({ baseDir: '/a', file: '/a/tenure.yaml', safety: { share: 0.1 } });
    expect(configHash({ baseDir: '/b', file: '/b/tenure.yaml', safety: { share: 0.1 } })).toBe(a);
    expect(configHash({ baseDir: '/a', file: '/a/tenure.yaml', safety: { share: 0.2 } })).not.toBe(
      a,
    );
  });
});

describe('sealPlan / intact', () => {
  const sealed = sealPlan('2026-11-26T10:00:00.000Z', inputs, [op('k1'), op('k2')]);

  it('a sealed plan is intact, also after a JSON round trip', () => {
    expect(intact(JSON.parse(JSON.stringify(sealed)))).toBe(true);
  });

  it('an edited operation breaks the integrity hash', () => {
    const edited = structuredClone(sealed);
    edited.operations[0]!.account_id = 'someone-else';
    expect(intact(edited)).toBe(false);
  });

  it('edited inputs break it too (the fingerprint no longer matches)', () => {
    const edited = { ...sealed, inputs: { ...inputs, config: 'c2' } };
    expect(intact(edited)).toBe(false);
  });
});

describe('planDrift', () => {
  const saved = { inputs, operations: [op('k1'), op('k2'), op('k3')] };

  it('is empty when nothing moved on', () => {
    const d = planDrift(saved, { inputs, operations: [op('k1'), op('k2'), op('k3')] });
    expect(drifted(d)).toBe(false);
  });

  it('names the source whose snapshot moved on, and the added/removed/changed keys', () => {
    const now = { ...inputs, sources: { ...inputs.sources, hr: { snapshot_id: 5, sha256: 'bb' } } };
    const d = planDrift(saved, {
      inputs: now,
      operations: [op('k1'), op('k3', { attributes: { title: 'CTO' } }), op('k4')],
    });
    expect(d).toEqual({
      inputs: ['source hr: snapshot 4 when planned, now 5'],
      added: ['k4'],
      removed: ['k2'],
      changed: ['k3'],
    });
    expect(describeDrift(d)).toBe(
      'source hr: snapshot 4 when planned, now 5; 1 operations added: k4; 1 operations removed: k2; 1 operations changed: k3',
    );
  });

  it('lists the first few keys and counts the rest', () => {
    const many = Array.from({ length: 8 }, (_, i) => op(`n${i}`));
    const d = planDrift({ inputs, operations: [] }, { inputs, operations: many });
    expect(describeDrift(d)).toBe('8 operations added: n0, n1, n2, n3, n4, … and 3 more');
  });

  it('names a changed config, workspace and scope', () => {
    const d = planDrift(saved, {
      inputs: { ...inputs, workspace: 'Other', config: 'c2', identity_ids: ['E1'] },
      operations: saved.operations,
    });
    expect(d.inputs).toEqual([
      'workspace: planned in "Acme", this is "Other"',
      'config: tenure.yaml changed since the plan was made',
      'scope: the plan was made for other identities',
    ]);
  });
});
