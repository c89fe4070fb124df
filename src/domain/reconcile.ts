/** Reconciliation findings: what a target really holds, compared with who should hold what. Pure. */
import type { Application } from './application.js';
import { compilePolicies, type PlanningContext } from './desired.js';
import { compileCorrelation } from './reconcile-correlate.js';
import type {
  AccountRecord,
  ActualAccount,
  DesiredAccount,
  Grant,
  Identity,
  IdentityStatus,
} from './types.js';

export { compileCorrelation, DEFAULT_CORRELATION } from './reconcile-correlate.js';

export const FINDING_KINDS = ['orphan', 'drift', 'missing', 'ambiguous', 'unmanaged'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/**
 * One finding. Reasons: orphan `no_identity` | `identity_terminated`; drift `unjustified`;
 * missing `not_found`; ambiguous `several_identities`; unmanaged `no_desired_account`.
 * `account_id` of a missing account is the name it would be created with.
 */
export type Finding = {
  kind: FindingKind;
  app_id: string;
  account_id: string;
  identity_id: string | null;
  entitlement_id: string | null;
  reason: string;
  details: Record<string, unknown>;
};

export type ReconcileCounts = {
  accounts: number;
  linked: number;
  /** How accounts were linked: rule label -> count (`employee_id`, `account_id`, `stored_link`…). */
  linked_by: Record<string, number>;
} & Record<FindingKind, number>;

export type AppClassification = {
  /** The accounts as read, each linked to its identity (or null): the new actual state. */
  accounts: ActualAccount[];
  findings: Finding[];
  counts: ReconcileCounts;
};

export type ClassifyInput = {
  app: Application;
  records: readonly AccountRecord[];
  /** Every identity with its status at the reconciliation moment. */
  identities: readonly Identity[];
  /** This application's desired account by identity id (`desiredByApp`, a run's planning context). */
  desired: ReadonlyMap<string, DesiredAccount>;
  /** account id -> identity id as Tenure stored it before this reconciliation. */
  previousLinks?: ReadonlyMap<string, string | null>;
};

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const ORDER: Record<FindingKind, number> = {
  orphan: 0,
  ambiguous: 1,
  unmanaged: 2,
  drift: 3,
  missing: 4,
};
const compareFindings = (a: Finding, b: Finding) =>
  ORDER[a.kind] - ORDER[b.kind] ||
  byString(a.account_id, b.account_id) ||
  byString(a.entitlement_id ?? '', b.entitlement_id ?? '') ||
  byString(a.identity_id ?? '', b.identity_id ?? '');

/**
 * Correlates every account read from one application and classifies it:
 * - **orphan**: linked to no identity (`no_identity`, enabled or not), or to a terminated one
 *   while still enabled (`identity_terminated`);
 * - **ambiguous**: rules matched several identities and none exactly one: not linked;
 * - **unmanaged**: an enabled account of a non-terminated identity that no policy or grant gives
 *   an account in this application;
 * - **drift**: each entitlement a non-terminated identity's account holds that its desired state
 *   (policies, requests, exceptions) does not justify — privilege creep;
 * - **missing**: a desired account with no account read for that identity (to provision).
 * Findings are sorted (kind, account, entitlement, identity), so a re-run compares equal.
 */
export function classifyApp(input: ClassifyInput): AppClassification {
  const { app, records, identities, desired } = input;
  const correlate = compileCorrelation(app, identities, input.previousLinks);
  const status = new Map<string, IdentityStatus>(identities.map((i) => [i.id, i.status]));
  const privileged = new Set(app.entitlements.filter((e) => e.privileged).map((e) => e.id));
  const counts: ReconcileCounts = {
    accounts: records.length,
    linked: 0,
    linked_by: {},
    orphan: 0,
    drift: 0,
    missing: 0,
    ambiguous: 0,
    unmanaged: 0,
  };
  const findings: Finding[] = [];
  const found = (f: Omit<Finding, 'app_id'>) => {
    findings.push({ app_id: app.id, ...f });
    counts[f.kind]++;
  };
  const accounts: ActualAccount[] = [];
  const held = new Set<string>();

  for (const r of records) {
    const entitlements = [...new Set(r.entitlements)].sort(byString);
    const c = correlate(r);
    accounts.push({
      app_id: app.id,
      account_id: r.account_id,
      identity_id: c.identity_id,
      attributes: r.attributes,
      container: r.container,
      enabled: r.enabled,
      entitlements,
    });
    const base = { account_id: r.account_id, entitlement_id: null };
    if (c.identity_id === null) {
      if (c.ambiguous.length > 0) {
        const candidates = [...new Set(c.ambiguous.flatMap((a) => a.candidates))].sort(byString);
        found({
          ...base,
          kind: 'ambiguous',
          identity_id: null,
          reason: 'several_identities',
          details: { enabled: r.enabled, candidates, rules: c.ambiguous.map((a) => a.via) },
        });
      } else {
        found({
          ...base,
          kind: 'orphan',
          identity_id: null,
          reason: 'no_identity',
          details: { enabled: r.enabled, entitlements },
        });
      }
      continue;
    }
    const id = c.identity_id;
    counts.linked++;
    counts.linked_by[c.via!] = (counts.linked_by[c.via!] ?? 0) + 1;
    held.add(id);
    const s = status.get(id);
    if (s === 'terminated') {
      if (r.enabled) {
        found({
          ...base,
          kind: 'orphan',
          identity_id: id,
          reason: 'identity_terminated',
          details: { enabled: true, entitlements, identity_status: s, linked_by: c.via },
        });
      }
      continue;
    }
    const d = desired.get(id);
    if (d === undefined && r.enabled) {
      found({
        ...base,
        kind: 'unmanaged',
        identity_id: id,
        reason: 'no_desired_account',
        details: { enabled: true, entitlements, identity_status: s, linked_by: c.via },
      });
    }
    for (const e of entitlements) {
      if (d !== undefined && Object.hasOwn(d.entitlements, e)) continue;
      found({
        account_id: r.account_id,
        entitlement_id: e,
        kind: 'drift',
        identity_id: id,
        reason: 'unjustified',
        details: {
          privileged: privileged.has(e),
          enabled: r.enabled,
          identity_status: s,
          linked_by: c.via,
        },
      });
    }
  }

  for (const [id, d] of desired) {
    if (held.has(id)) continue;
    found({
      kind: 'missing',
      account_id: d.account_id,
      identity_id: id,
      entitlement_id: null,
      reason: 'not_found',
      details: {
        enabled: d.enabled,
        entitlements: Object.keys(d.entitlements).sort(byString),
        reasons: d.reasons,
      },
    });
  }
  findings.sort(compareFindings);
  return { accounts, findings, counts };
}

/**
 * Desired accounts of the given applications, by application then identity: the same policies,
 * grants and planning context a run uses, computed once per identity for every application.
 */
export function desiredByApp(
  identities: Iterable<Identity>,
  grantsByIdentity: ReadonlyMap<string, readonly Grant[]>,
  ctx: PlanningContext,
  appIds: readonly string[],
): Map<string, Map<string, DesiredAccount>> {
  const out = new Map(appIds.map((id) => [id, new Map<string, DesiredAccount>()]));
  const planner = compilePolicies(ctx);
  for (const i of identities) {
    for (const d of planner(i, grantsByIdentity.get(i.id) ?? [])) out.get(d.app_id)?.set(i.id, d);
  }
  return out;
}

/** Identifies a finding across reconciliations, to tell new findings from standing ones. */
export const findingKey = (
  f: Pick<Finding, 'kind' | 'account_id' | 'identity_id' | 'entitlement_id' | 'reason'>,
): string =>
  [f.kind, f.reason, f.account_id, f.identity_id ?? '', f.entitlement_id ?? ''].join('\u0000');
