/**
 * Saved plans, the pure part: the file's shape, the fingerprint of the inputs a plan was computed
 * from, the integrity hash over the file, and what changed between a saved plan and a re-plan.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../audit/canonical-json.js';
import type { Operation } from '../../domain/types.js';

export const SAVED_PLAN_FORMAT = 'tenure.saved-plan';
export const SAVED_PLAN_VERSION = 1;

/** What a plan was computed from; anything here moving on makes the plan stale. */
export type PlanInputs = {
  /** organisation.name: a plan is applied to the workspace it was made in. */
  workspace: string;
  /** Hash of the loaded tenure.yaml (applications, policies, safety…), paths left out. */
  config: string;
  /** Per configured source: the latest HR snapshot read (null: none yet). */
  sources: Record<string, { snapshot_id: number; sha256: string } | null>;
  /** The identities the plan was scoped to (null: everyone). */
  identity_ids: string[] | null;
};

export type SavedPlan = {
  format: typeof SAVED_PLAN_FORMAT;
  version: typeof SAVED_PLAN_VERSION;
  generated_at: string;
  inputs: PlanInputs;
  /** sha256 over the canonical inputs: compared first, it names what moved on. */
  fingerprint: string;
  operations: Operation[];
  /** sha256 over every other field (canonical JSON): a hand-edited file is refused. */
  integrity: string;
};

const sha256 = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');

/** One hash over the inputs: equal fingerprints mean the plan was computed from this state. */
export const planFingerprint = (inputs: PlanInputs): string => sha256(inputs);

/** A config's hash: where tenure.yaml lives does not change what it plans. */
export const configHash = (config: object): string => {
  const { baseDir: _b, file: _f, ...rest } = config as Record<string, unknown>;
  return sha256(rest);
};

export function sealPlan(
  generatedAt: string,
  inputs: PlanInputs,
  operations: Operation[],
): SavedPlan {
  const body = {
    format: SAVED_PLAN_FORMAT,
    version: SAVED_PLAN_VERSION,
    generated_at: generatedAt,
    inputs,
    fingerprint: planFingerprint(inputs),
    operations,
  } as const;
  return { ...body, integrity: sha256(body) };
}

/** Whether the file is as Tenure wrote it (its integrity and fingerprint match its content). */
export function intact(plan: SavedPlan): boolean {
  const { integrity, ...body } = plan;
  return integrity === sha256(body) && plan.fingerprint === planFingerprint(plan.inputs);
}

export type PlanDrift = {
  /** Human-readable: which input moved on (source snapshot, config, workspace, scope). */
  inputs: string[];
  added: string[];
  removed: string[];
  /** Same key, different content (e.g. other attribute values). */
  changed: string[];
};

/** What differs between the state a plan was saved from and now: empty lists mean none. */
export function planDrift(
  saved: Pick<SavedPlan, 'inputs' | 'operations'>,
  now: { inputs: PlanInputs; operations: readonly Operation[] },
): PlanDrift {
  const inputs: string[] = [];
  const a = saved.inputs;
  const b = now.inputs;
  if (a.workspace !== b.workspace)
    inputs.push(`workspace: planned in "${a.workspace}", this is "${b.workspace}"`);
  if (a.config !== b.config) inputs.push('config: tenure.yaml changed since the plan was made');
  for (const id of new Set([...Object.keys(a.sources), ...Object.keys(b.sources)])) {
    const was = a.sources[id] ?? null;
    const is = b.sources[id] ?? null;
    if (was?.snapshot_id === is?.snapshot_id && was?.sha256 === is?.sha256) continue;
    inputs.push(
      `source ${id}: snapshot ${was?.snapshot_id ?? 'none'} when planned, now ${is?.snapshot_id ?? 'none'}`,
    );
  }
  if (canonicalJson(a.identity_ids) !== canonicalJson(b.identity_ids))
    inputs.push('scope: the plan was made for other identities');

  const before = new Map(saved.operations.map((o) => [o.key, sha256(o)]));
  const after = new Map(now.operations.map((o) => [o.key, sha256(o)]));
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...after]
    .filter(([k, h]) => before.has(k) && before.get(k) !== h)
    .map(([k]) => k);
  return { inputs, added, removed, changed };
}

export const drifted = (d: PlanDrift) =>
  d.inputs.length + d.added.length + d.removed.length + d.changed.length > 0;

/** Keys listed in a refusal before `… and N more`. */
const SHOWN = 5;
const some = (keys: string[]) =>
  keys.slice(0, SHOWN).join(', ') +
  (keys.length > SHOWN ? `, … and ${keys.length - SHOWN} more` : '');

/** The refusal's message: what moved on, then how the operations differ (first few keys). */
export function describeDrift(d: PlanDrift): string {
  const lines = [...d.inputs];
  if (d.added.length) lines.push(`${d.added.length} operations added: ${some(d.added)}`);
  if (d.removed.length) lines.push(`${d.removed.length} operations removed: ${some(d.removed)}`);
  if (d.changed.length) lines.push(`${d.changed.length} operations changed: ${some(d.changed)}`);
  return lines.join('; ');
}
