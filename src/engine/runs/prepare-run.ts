/** Computes a run without touching anything: time-driven identity changes, desired state, the plan, the gate. */
import type { ChangeExplanation } from '../../domain/change-reason.js';
import { compilePolicies, desiredState } from '../../domain/desired.js';
import { advanceTime } from '../../domain/lifecycle.js';
import { linksManagers } from '../../domain/manager-links.js';
import { planAll } from '../../domain/plan.js';
import { planOrphans } from '../../domain/reconcile-orphans.js';
import { explainRemovals } from '../../domain/removal-reasons.js';
import { deprovisionedApps, safetyGate } from '../../domain/safety.js';
import type {
  ActualAccount,
  DesiredAccount,
  Grant,
  Identity,
  LifecycleEvent,
  Operation,
} from '../../domain/types.js';
import type { IdentityChange, TaskRow } from '../../store/types.js';
import { siteOf } from '../agents/routing.js';
import { lifecycleSettings, planningContext } from '../settings.js';
import type { Workspace } from '../workspace.js';
import {
  type BeforeValues,
  type ChangeFacts,
  explainIdentities,
  recordBefore,
} from './explain-plan.js';
import { linkableManagers, type ManagerLookups } from './manager-links.js';

export type PreparedRun = {
  now: Date;
  /** Identities whose state changed because time passed (scheduled leavers, pre-hires starting). */
  timeChanges: IdentityChange[];
  timeEvents: { identity: Identity; events: LifecycleEvent[] }[];
  ops: Operation[];
  /** Operations already waiting as open manual tasks: not planned again. */
  awaiting: { op: Operation; task_id: number }[];
  /** Open tasks whose operation is no longer wanted (e.g. a joiner who left before it was done). */
  obsolete: TaskRow[];
  gate: ReturnType<typeof safetyGate>;
  identities: number;
  /** Planned operations left out because they already wait in a site queue for an agent. */
  waitingForAgent?: number;
  sourceOf: (identityId: string) => string | undefined;
  /** Per identity with operations: its name, why it changes, and the reason of its removals. */
  explanations: ReadonlyMap<string, ChangeExplanation>;
  /** By operation key: the values an update or move replaces. */
  before: ReadonlyMap<string, BeforeValues>;
};

export type RunScope = {
  identityIds?: string[];
  /** Keys an admin approved in an interrupted run: the safety gate does not hold them again. */
  preApproved?: ReadonlySet<string>;
};

/** Past this many affected identities, labels come from status alone instead of one history read each. */
const HISTORY_LABEL_LIMIT = 2_000;
/** Identities planned per batch (a whole-organisation plan reads their accounts batch by batch). */
const PLAN_BATCH = 250;

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export async function prepareRun(ws: Workspace, scope: RunScope = {}): Promise<PreparedRun> {
  const now = ws.clock();
  const settings = lifecycleSettings(ws.config);
  const stored = scope.identityIds
    ? (await Promise.all(scope.identityIds.map((id) => ws.store.identities.get(id)))).filter(
        (i): i is Identity => i !== undefined,
      )
    : await ws.store.identities.all();

  const timeChanges: IdentityChange[] = [];
  const timeEvents: PreparedRun['timeEvents'] = [];
  const labels = new Map<string, string[]>();
  const facts = new Map<string, ChangeFacts>();
  const identities = stored.map((prev) => {
    const { identity, events } = advanceTime(prev, now, settings);
    if (events.length > 0) {
      timeChanges.push({ identity, events: events.map((e) => e.kind) });
      timeEvents.push({ identity, events });
      labels.set(
        identity.id,
        events.map((e) => e.kind),
      );
      facts.set(identity.id, { events: labels.get(identity.id)!, at: now.toISOString() });
    }
    return identity;
  });
  const byId = new Map(identities.map((i) => [i.id, i]));

  const grants = groupBy(await ws.store.grants.all(), (g) => g.identity_id);
  const ctx = planningContext(ws.config, now);
  const apps = new Map(ws.config.applications.map((a) => [a.id, a]));
  const planned: Operation[] = [];
  const before = new Map<string, BeforeValues>();
  const desiredFor = compilePolicies(ctx);
  // Managers outside the planned identities (another batch, out of scope, or not in HR at all).
  const links = (appId: string) => linksManagers(apps.get(appId));
  const managerDesired = new Map<string, readonly DesiredAccount[]>();
  const managerLookups: ManagerLookups = {
    async desiredOf(id) {
      let desired = managerDesired.get(id);
      if (desired !== undefined) return desired;
      const known = byId.get(id) ?? (await ws.store.identities.get(id));
      const identity =
        known === undefined || byId.has(id) ? known : advanceTime(known, now, settings).identity;
      desired = identity === undefined ? [] : desiredFor(identity, grants.get(id) ?? []);
      managerDesired.set(id, desired);
      return desired;
    },
    accountsOf: (ids) => ws.store.accounts.forIdentities(ids),
  };
  /** What the safety gate counts enabled accounts in: the accounts, or (whole org) per-app counts. */
  let gateAccounts: readonly ActualAccount[] | undefined;
  if (scope.identityIds) {
    const actual = await ws.store.accounts.forIdentities(scope.identityIds);
    const desired = await linkableManagers(
      desiredState(identities, grants, ctx),
      actual,
      managerLookups,
      links,
    );
    for (const op of planAll(desired, actual, apps, labels)) planned.push(op);
    recordBefore(planned, actual, apps, before);
    gateAccounts = actual;
  } else {
    // A batch of identities at a time, in planAll's (id) order, so the plan is the same as one
    // planAll over everyone; but 100 k people's ~1 M accounts and ~2 M entitlements are never
    // all in memory at once, only the operations.
    const ids = [...byId.keys()].sort(byString);
    for (let i = 0; i < ids.length; i += PLAN_BATCH) {
      const batch = ids.slice(i, i + PLAN_BATCH);
      const actual = await ws.store.accounts.forIdentities(batch);
      const desired = await linkableManagers(
        new Map(batch.map((id) => [id, desiredFor(byId.get(id)!, grants.get(id) ?? [])])),
        actual,
        managerLookups,
        links,
      );
      const batchOps = planAll(desired, actual, apps, labels);
      recordBefore(batchOps, actual, apps, before);
      for (const op of batchOps) planned.push(op);
    }
    // Orphans (no identity) are never touched unless the app says `orphans: disable`.
    for (const op of planOrphans(await ws.store.accounts.orphans(), apps)) planned.push(op);
  }

  await labelFromHistory(ws, planned, labels, byId, facts);
  const explanations = explainIdentities(planned, byId, facts, settings.timeZone);
  explainRemovals(planned, (id) => explanations.get(id)?.removal, apps);

  const inScope = (t: TaskRow) =>
    !scope.identityIds || (t.identity_id !== null && byId.has(t.identity_id));
  const openTasks = (await ws.store.tasks.list('open')).filter(inScope);
  const taskByKey = new Map(openTasks.map((t) => [t.op.key, t.id]));
  // Usually no task is open: then every planned op stays (no lookup per op of millions).
  let ops: Operation[] = planned;
  const awaiting: PreparedRun['awaiting'] = [];
  if (taskByKey.size > 0) {
    ops = [];
    for (const op of planned) {
      const taskId = taskByKey.get(op.key);
      if (taskId === undefined) ops.push(op);
      else awaiting.push({ op, task_id: taskId });
    }
  }
  // Operations still waiting in a site queue for an on-prem agent are not queued again.
  let waitingForAgent = 0;
  if (ws.config.applications.some((a) => siteOf(a) !== undefined)) {
    const queued = await ws.store.agentJobs.waitingKeys();
    if (queued.size > 0) {
      const before = ops.length;
      ops = ops.filter((op) => !queued.has(op.key));
      waitingForAgent = before - ops.length;
    }
  }
  // A task whose key is planned again is awaited; the others are no longer wanted.
  const awaited = new Set(awaiting.map((a) => a.op.key));
  const obsolete = openTasks.filter((t) => !awaited.has(t.op.key));
  const gate = safetyGate(
    ops,
    gateAccounts ?? (await ws.store.accounts.enabledCounts(deprovisionedApps(ops))),
    apps,
    ws.config.safety,
    scope.preApproved,
  );
  return {
    now,
    timeChanges,
    timeEvents,
    ops,
    awaiting,
    obsolete,
    gate,
    identities: identities.length,
    ...(waitingForAgent > 0 && { waitingForAgent }),
    sourceOf: (id) => byId.get(id)?.source_id,
    explanations,
    before,
  };
}

/**
 * Operations say which lifecycle event caused them; the last history entry knows it. What it
 * knows of the change (the record before it, when it was recorded) goes into `facts`.
 */
async function labelFromHistory(
  ws: Workspace,
  ops: Operation[],
  labels: Map<string, string[]>,
  identities: Map<string, Identity>,
  facts: Map<string, ChangeFacts>,
): Promise<void> {
  const unlabelled = new Set<string>();
  let last: string | null = null;
  for (const o of ops) {
    // Ops come grouped by identity: one Set lookup per identity, not per op of millions.
    if (o.lifecycle.length !== 0 || !o.identity_id || o.identity_id === last) continue;
    last = o.identity_id;
    unlabelled.add(last);
  }
  const useHistory = unlabelled.size <= HISTORY_LABEL_LIMIT;
  // An HR event explains an operation only if no run has executed since it was recorded; older
  // events were already acted on, so what is planned now corrects drift (`reconcile`), and the
  // audit trail must not name an old joiner/mover event as its cause.
  const lastExecuted = useHistory
    ? (await ws.store.runs.list(50)).find((r) => r.status === 'done' || r.status === 'applying')
    : undefined;
  for (const id of unlabelled) {
    if (labels.has(id)) continue;
    let events: string[] = [];
    let fact: Omit<ChangeFacts, 'events'> = {};
    if (useHistory) {
      const history = await ws.store.identities.history(id);
      const last = history.at(-1);
      if (last && (!lastExecuted || last.valid_from > lastExecuted.created_at)) {
        events = last.events;
        const previous = history.at(-2)?.attributes;
        fact = previous ? { previous, at: last.valid_from } : { at: last.valid_from };
      } else if (last) fact = { at: last.valid_from };
    }
    if (events.length === 0) {
      const status = identities.get(id)?.status;
      events = [status === 'terminated' ? 'leaver' : 'reconcile'];
    }
    labels.set(id, events);
    facts.set(id, { events, ...fact });
  }
  // Ops come grouped by identity: one label lookup per identity, not per op.
  let id: string | undefined;
  let label: string[] = [];
  for (const op of ops) {
    if (op.lifecycle.length !== 0 || !op.identity_id) continue;
    if (op.identity_id !== id) {
      id = op.identity_id;
      label = labels.get(id) ?? [];
    }
    op.lifecycle = label;
  }
}

export function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

export type { Grant };
