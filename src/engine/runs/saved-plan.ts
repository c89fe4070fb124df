/**
 * Saved plans (`tenure plan --out`, `tenure apply plan.json`, the API's plan ids): a plan applied
 * exactly as reviewed, or refused with what moved on. Applying goes through applyRun, under the
 * run lock and the safety gate: the only write path to targets.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { TenureError } from '../../domain/errors.js';
import type { Workspace } from '../workspace.js';
import {
  configHash,
  describeDrift,
  drifted,
  intact,
  type PlanInputs,
  planDrift,
  SAVED_PLAN_FORMAT,
  SAVED_PLAN_VERSION,
  type SavedPlan,
  sealPlan,
} from './plan-fingerprint.js';
import type { PreparedRun, RunScope } from './prepare-run.js';
import { type ApplyOptions, type ApplyOutcome, applyRun, previewRun } from './runs.js';

/** How long a plan id from the API can be applied: review it now, not tomorrow. */
export const PLAN_ID_TTL_MS = 60 * 60 * 1000;

/** The inputs a plan over `scope` is computed from, as they are now. */
export async function planInputs(ws: Workspace, scope: RunScope): Promise<PlanInputs> {
  const sources: PlanInputs['sources'] = {};
  for (const s of ws.config.sources) {
    const last = await ws.store.snapshots.last(s.id);
    sources[s.id] = last ? { snapshot_id: last.id, sha256: last.sha256 } : null;
  }
  return {
    workspace: ws.config.organisation.name,
    config: configHash(ws.config),
    sources,
    identity_ids: scope.identityIds ? [...scope.identityIds].sort() : null,
  };
}

/** The plan `apply` would execute now, and the same plan sealed to be saved. */
export async function savePlan(
  ws: Workspace,
  scope: RunScope = {},
): Promise<{ plan: PreparedRun; saved: SavedPlan }> {
  const inputs = await planInputs(ws, scope);
  const plan = await previewRun(ws, scope);
  return { plan, saved: sealPlan(plan.now.toISOString(), inputs, plan.ops) };
}

const savedPlanSchema = z.object({
  format: z.literal(SAVED_PLAN_FORMAT),
  version: z.literal(SAVED_PLAN_VERSION),
  generated_at: z.string(),
  inputs: z.object({
    workspace: z.string(),
    config: z.string(),
    sources: z.record(
      z.string(),
      z.object({ snapshot_id: z.number(), sha256: z.string() }).nullable(),
    ),
    identity_ids: z.array(z.string()).nullable(),
  }),
  fingerprint: z.string(),
  operations: z.array(z.looseObject({ key: z.string() })),
  integrity: z.string(),
});

/** Reads a saved plan; `where` names the file (or plan id) in the error. */
export function parseSavedPlan(text: string, where: string): SavedPlan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TenureError('plan.invalid', `${where}: not JSON (${(e as Error).message})`);
  }
  const parsed = savedPlanSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TenureError(
      'plan.invalid',
      `${where}: not a saved plan (${issue.path.join('.') || 'root'}: ${issue.message}); write one with "tenure plan --out"`,
    );
  }
  const plan = parsed.data as unknown as SavedPlan;
  if (!intact(plan))
    throw new TenureError(
      'plan.tampered',
      `${where}: the plan was edited after it was saved (its integrity hash does not match); make a new one with "tenure plan --out"`,
    );
  return plan;
}

/** Keys carried in a refusal's details, per list. */
const DETAIL_KEYS = 20;

/**
 * Applies exactly the saved plan: under the run lock, the plan is computed again and compared
 * with the saved one before anything is written; any difference refuses `plan.stale`.
 */
export async function applySavedPlan(
  ws: Workspace,
  saved: SavedPlan,
  opts: Omit<ApplyOptions, 'identityIds' | 'dryRun' | 'verify' | 'savedPlan'>,
): Promise<ApplyOutcome> {
  const scope = saved.inputs.identity_ids ? { identityIds: saved.inputs.identity_ids } : {};
  return applyRun(ws, {
    ...opts,
    ...scope,
    savedPlan: { fingerprint: saved.fingerprint, generated_at: saved.generated_at },
    verify: async (plan) => {
      const drift = planDrift(saved, {
        inputs: await planInputs(ws, scope),
        operations: plan.ops,
      });
      if (!drifted(drift)) return;
      const cut = (keys: string[]) => keys.slice(0, DETAIL_KEYS);
      throw new TenureError(
        'plan.stale',
        `the saved plan is stale, nothing was applied: ${describeDrift(drift)}. Make a new plan and review it.`,
        {
          inputs: drift.inputs,
          added: drift.added.length,
          removed: drift.removed.length,
          changed: drift.changed.length,
          first_added: cut(drift.added),
          first_removed: cut(drift.removed),
          first_changed: cut(drift.changed),
        },
      );
    },
  });
}

/** Stores a saved plan for the API; expired ones are dropped on the way. */
export async function storePlan(ws: Workspace, saved: SavedPlan, actor: string) {
  const now = ws.clock();
  const id = `plan_${randomUUID()}`;
  const expiresAt = new Date(now.getTime() + PLAN_ID_TTL_MS).toISOString();
  await ws.store.savedPlans.deleteExpired(now.toISOString());
  await ws.store.savedPlans.put({
    id,
    created_at: now.toISOString(),
    expires_at: expiresAt,
    actor,
    plan: saved,
  });
  return { id, expires_at: expiresAt };
}

/** The stored plan behind an API plan id; `plan.not_found` once expired. */
export async function storedPlan(ws: Workspace, id: string): Promise<SavedPlan> {
  const row = await ws.store.savedPlans.get(id);
  if (!row || row.expires_at <= ws.clock().toISOString())
    throw new TenureError(
      'plan.not_found',
      `no plan "${id}" (plan ids expire ${PLAN_ID_TTL_MS / 60_000} minutes after planning)`,
    );
  return parseSavedPlan(JSON.stringify(row.plan), `plan ${id}`);
}
