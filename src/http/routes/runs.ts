/** Sync runs through the engine: plan (changes nothing), apply, approve a held run, and read them back. */
import { z } from 'zod';
import { TenureError } from '../../domain/errors.js';
import type { Operation } from '../../domain/types.js';
import { planView } from '../../engine/runs/plan-groups.js';
import { applyRun, approveRun } from '../../engine/runs/runs.js';
import { applySavedPlan, savePlan, storedPlan, storePlan } from '../../engine/runs/saved-plan.js';
import { ADMIN, OPERATE, STAFF } from '../rbac.js';
import {
  decodeCursor,
  errors,
  idParams,
  operationSchema,
  page,
  pageQuery,
  planGroupSchema,
  planSummarySchema,
  runSchema,
  toPage,
} from '../schemas.js';
import type { RouteModule } from '../types.js';

const scopeBody = {
  identity_ids: z.array(z.string().min(1)).min(1).max(10_000).optional(),
};
const gateSchema = z.object({
  held: z.boolean(),
  reasons: z.array(z.string()),
  byApp: z.array(
    z.object({
      app_id: z.string(),
      deprovisions: z.number(),
      accounts: z.number(),
      share: z.number(),
    }),
  ),
});
const executionSchema = z.object({
  success: z.number(),
  failure: z.number(),
  pending_manual: z.number(),
  byApp: z.record(z.string(), z.record(z.string(), z.number())),
  failures: z.array(z.record(z.string(), z.string())),
});
const operationRowSchema = z.object({
  run_id: z.string(),
  seq: z.number().int(),
  op: operationSchema,
  status: z.enum(['queued', 'success', 'failure', 'pending_manual', 'skipped', 'cancelled']),
  message: z.string().nullable(),
  finished_at: z.string().nullable(),
});
/** A plan can hold hundreds of thousands of operations: the response carries at most this many. */
const PLAN_OPS_SHOWN = 5_000;

const countOps = (ops: Operation[]) => {
  const byApp: Record<string, Record<string, number>> = {};
  for (const op of ops) {
    const kind = op.kind === 'manual.task' ? `manual:${op.task?.action}` : op.kind;
    const app = (byApp[op.app_id] ??= {});
    app[kind] = (app[kind] ?? 0) + 1;
  }
  return byApp;
};

export const runsRoutes: RouteModule = async (app, { ws, services }) => {
  app.get(
    '/api/v1/runs',
    {
      config: { rbac: STAFF },
      schema: {
        tags: ['runs'],
        operationId: 'listRuns',
        summary: 'Runs, newest first',
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ items: z.array(runSchema) }), ...errors },
      },
    },
    async (req) => ({ items: await ws.store.runs.list(req.query.limit) }),
  );

  app.get(
    '/api/v1/runs/:id',
    {
      config: { rbac: STAFF },
      schema: {
        tags: ['runs'],
        operationId: 'getRun',
        summary: 'One run and its operation counts by status',
        params: idParams,
        response: {
          200: z.object({ run: runSchema, operations: z.record(z.string(), z.number()) }),
          ...errors,
        },
      },
    },
    async (req) => {
      const run = await ws.store.runs.get(req.params.id);
      if (!run) throw new TenureError('run.not_found', `no run "${req.params.id}"`);
      const counts: Record<string, number> = {};
      for (const o of await ws.store.runs.operations(run.id))
        counts[o.status] = (counts[o.status] ?? 0) + 1;
      return { run, operations: counts };
    },
  );

  app.get(
    '/api/v1/runs/:id/operations',
    {
      config: { rbac: STAFF },
      schema: {
        tags: ['runs'],
        operationId: 'listRunOperations',
        summary: "A run's operations in execution order, with outcome and message",
        params: idParams,
        querystring: z.strictObject({
          ...pageQuery,
          status: operationRowSchema.shape.status.optional(),
        }),
        response: { 200: page(operationRowSchema), ...errors },
      },
    },
    async (req) => {
      const run = await ws.store.runs.get(req.params.id);
      if (!run) throw new TenureError('run.not_found', `no run "${req.params.id}"`);
      const { limit, cursor, status } = req.query;
      const after = decodeCursor(cursor, z.number().int()) ?? 0;
      const rows = (await ws.store.runs.operations(run.id)).filter(
        (o) => o.seq > after && (status === undefined || o.status === status),
      );
      return toPage(rows.slice(0, limit + 1), limit, (o) => o.seq);
    },
  );

  app.post(
    '/api/v1/runs/plan',
    {
      config: { rbac: OPERATE },
      schema: {
        tags: ['runs'],
        operationId: 'planRun',
        summary:
          'Exactly what apply would do now; changes nothing. The plan_id applies exactly this plan (POST /api/v1/runs) until it expires',
        body: z.strictObject(scopeBody).nullish(),
        response: {
          200: z.object({
            plan_id: z.string(),
            plan_expires_at: z.string(),
            generated_at: z.string(),
            identities: z.number(),
            operations_total: z.number(),
            by_application: z.record(z.string(), z.record(z.string(), z.number())),
            operations: z.array(operationSchema),
            truncated: z.boolean(),
            summary: planSummarySchema.describe('every operation of the plan, counted'),
            by_identity: z
              .array(planGroupSchema)
              .describe(
                '`operations` (the first 5,000) grouped as `tenure plan` shows them, the same structure as `tenure plan --json`',
              ),
            awaiting_manual: z.number(),
            cancelled_tasks: z.number(),
            safety_gate: gateSchema,
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const ids = req.body?.identity_ids;
      const { plan, saved } = await savePlan(ws, ids ? { identityIds: ids } : {});
      const stored = await storePlan(ws, saved, req.principal!.actor);
      return {
        plan_id: stored.id,
        plan_expires_at: stored.expires_at,
        generated_at: plan.now.toISOString(),
        identities: plan.identities,
        operations_total: plan.ops.length,
        by_application: countOps(plan.ops),
        operations: plan.ops.slice(0, PLAN_OPS_SHOWN),
        truncated: plan.ops.length > PLAN_OPS_SHOWN,
        ...planView(plan, PLAN_OPS_SHOWN),
        awaiting_manual: plan.awaiting.length,
        cancelled_tasks: plan.obsolete.length,
        safety_gate: plan.gate,
      };
    },
  );

  const applied = z.object({
    run_id: z.string().nullable(),
    status: z.enum(['nothing_to_do', 'dry_run', 'held', 'done', 'waiting_for_agent']),
    operations: z.number(),
    held_reason: z.string().nullable(),
    execution: executionSchema.nullable(),
  });

  app.post(
    '/api/v1/runs',
    {
      config: { rbac: OPERATE },
      schema: {
        tags: ['runs'],
        operationId: 'applyRun',
        summary:
          'Plan and apply now, or exactly a saved plan (plan_id; 409 plan.stale if the state moved on); held for approval if the safety gate trips',
        body: z
          .strictObject({
            ...scopeBody,
            dry_run: z.boolean().default(false),
            plan_id: z.string().min(1).max(100).optional(),
          })
          .nullish(),
        response: { 200: applied, ...errors },
      },
    },
    async (req) => {
      const ids = req.body?.identity_ids;
      const planId = req.body?.plan_id;
      if (planId && (ids || req.body?.dry_run))
        throw new TenureError(
          'run.saved_plan_options',
          'a saved plan is applied as it is: plan_id does not combine with identity_ids or dry_run',
        );
      const actor = req.principal!.actor;
      const out = await services.exclusive('run', async () =>
        planId
          ? applySavedPlan(ws, await storedPlan(ws, planId), { actor, trigger: 'api:apply' })
          : applyRun(ws, {
              actor,
              trigger: 'api:apply',
              dryRun: req.body?.dry_run ?? false,
              ...(ids && { identityIds: ids }),
            }),
      );
      return {
        run_id: out.run_id,
        status: out.status,
        operations: out.plan.ops.length,
        held_reason: out.held_reason ?? null,
        execution: out.execution ?? null,
      };
    },
  );

  app.post(
    '/api/v1/runs/:id/approve',
    {
      config: { rbac: ADMIN },
      schema: {
        tags: ['runs'],
        operationId: 'approveRun',
        summary: 'Release a run held by the safety gate (admin only; audited run.approved)',
        params: idParams,
        body: z.strictObject({}).nullish(),
        response: { 200: z.object({ run_id: z.string(), execution: executionSchema }), ...errors },
      },
    },
    async (req) =>
      services.exclusive('run', () => approveRun(ws, req.params.id, req.principal!.actor)),
  );
};
