/** Desired state: what accounts and entitlements each identity should have, from policies and grants. */
import type { Application } from './application.js';
import { identityAttributes } from './attributes.js';
import { TenureError } from './errors.js';
import { effectiveStatus, provisionFrom } from './lifecycle.js';
import type { Policy } from './policy.js';
import { checkCondition, compileCondition, type Predicate } from './policy.js';
import { type CompiledTemplate, compileTemplate } from './template.js';
import type { DesiredAccount, Grant, Identity, IdentityStatus } from './types.js';

export type PlanningContext = {
  applications: Application[];
  policies: Policy[];
  leave: 'keep' | 'disable';
  prehireDays: number;
  timeZone: string;
  now: Date;
};

/** Desired accounts of one identity; built once per context by `compilePolicies`. */
export type DesiredPlanner = (identity: Identity, grants: readonly Grant[]) => DesiredAccount[];

type CompiledAccount = {
  app: string;
  attributes: [string, CompiledTemplate][];
  container: CompiledTemplate | null;
  entitlements: string[];
};
type CompiledPolicy = {
  reason: string;
  reasons: string[];
  when: Predicate;
  accounts: CompiledAccount[];
};

/**
 * Reason lists are shared between identities (one frozen `[reason]` per policy or grant) to keep
 * 2 M entitlements cheap; extending one copies it. Treat them as read-only.
 */
const only = (reason: string): string[] => Object.freeze([reason]) as string[];
const withReason = (list: string[], reason: string): string[] =>
  list.includes(reason) ? list : (Object.freeze([...list, reason]) as string[]);

/**
 * Validates and precompiles policies (conditions, templates) once, and returns the per-identity
 * function. Rules: terminated → nothing; pre-hire before `provisionFrom` → nothing; pre-hire in
 * the window → accounts with entitlements but `enabled: false` (credentials exist on day one, yet
 * can't be used before it — the account is enabled when the start date arrives); leave with
 * `leave: disable` → `enabled: false`, entitlements kept. Several policies on one application
 * merge: entitlements are a union with every reason; attributes and container: first policy in
 * config order wins. Unexpired grants add entitlements, creating the account if no policy did
 * (attributes then empty). Grants for an application not in the config are ignored. The status
 * is re-derived at `ctx.now`, so the result is right even before `advanceTime` has run.
 */
export function compilePolicies(ctx: PlanningContext): DesiredPlanner {
  const accountIds = new Map<string, CompiledTemplate>();
  for (const app of ctx.applications) accountIds.set(app.id, compileTemplate(app.account_id));
  const policies: CompiledPolicy[] = ctx.policies.map((p) => {
    checkCondition(p.when, `policies.${p.id}.when`);
    const reason = `birthright:${p.id}`;
    return {
      reason,
      reasons: only(reason),
      when: compileCondition(p.when),
      accounts: p.accounts.map((a) => {
        if (!accountIds.has(a.application)) {
          throw new TenureError(
            'policy.unknown_application',
            `policies.${p.id}: unknown application "${a.application}"`,
            { policy: p.id, application: a.application },
          );
        }
        return {
          app: a.application,
          attributes: Object.entries(a.attributes).map(([k, t]): [string, CompiledTemplate] => [
            k,
            compileTemplate(t),
          ]),
          container: a.container === undefined ? null : compileTemplate(a.container),
          entitlements: [...a.entitlements],
        };
      }),
    };
  });
  const now = ctx.now.getTime();
  const EMPTY = Object.freeze([]) as unknown as string[];

  return (identity, grants) => {
    const status: IdentityStatus =
      identity.status === 'terminated'
        ? 'terminated'
        : effectiveStatus(identity.attributes, ctx.now, ctx);
    if (status === 'terminated') return [];
    if (status === 'pre-hire' && now < provisionFrom(identity.attributes, ctx).getTime()) return [];
    const enabled = !(status === 'pre-hire' || (status === 'leave' && ctx.leave === 'disable'));
    const attrs = identityAttributes(identity, status);
    const byApp = new Map<string, DesiredAccount>();
    const accountFor = (app: string, tpl: CompiledTemplate): DesiredAccount => {
      let d = byApp.get(app);
      if (d === undefined) {
        d = {
          app_id: app,
          identity_id: identity.id,
          account_id: tpl.render(attrs),
          attributes: {},
          container: null,
          enabled,
          entitlements: {},
          reasons: EMPTY,
        };
        byApp.set(app, d);
      }
      return d;
    };

    for (const p of policies) {
      if (!p.when(attrs)) continue;
      for (const a of p.accounts) {
        const d = accountFor(a.app, accountIds.get(a.app)!);
        for (const [k, t] of a.attributes) {
          if (!Object.hasOwn(d.attributes, k)) d.attributes[k] = t.render(attrs);
        }
        if (d.container === null && a.container !== null) d.container = a.container.render(attrs);
        for (const e of a.entitlements) {
          const reasons = d.entitlements[e];
          d.entitlements[e] = reasons === undefined ? p.reasons : withReason(reasons, p.reason);
        }
        d.reasons = d.reasons.length === 0 ? p.reasons : withReason(d.reasons, p.reason);
      }
    }
    for (const g of grants) {
      if (g.expires_at !== null && !(Date.parse(g.expires_at) > now)) continue;
      const tpl = accountIds.get(g.app_id);
      if (tpl === undefined) continue;
      const d = accountFor(g.app_id, tpl);
      const reasons = d.entitlements[g.entitlement_id];
      d.entitlements[g.entitlement_id] =
        reasons === undefined ? only(g.reason) : withReason(reasons, g.reason);
      d.reasons = withReason(d.reasons, g.reason);
    }
    return [...byApp.values()];
  };
}

/** Desired accounts of one identity (compiles the context each call: use `compilePolicies` in loops). */
export function desiredFor(
  identity: Identity,
  grants: readonly Grant[],
  ctx: PlanningContext,
): DesiredAccount[] {
  return compilePolicies(ctx)(identity, grants);
}

/** Desired accounts of every identity, keyed by identity id (terminated ones map to `[]`). */
export function desiredState(
  identities: Iterable<Identity>,
  grantsByIdentity: ReadonlyMap<string, readonly Grant[]>,
  ctx: PlanningContext,
): Map<string, DesiredAccount[]> {
  const plan = compilePolicies(ctx);
  const out = new Map<string, DesiredAccount[]>();
  for (const identity of identities)
    out.set(identity.id, plan(identity, grantsByIdentity.get(identity.id) ?? []));
  return out;
}

/** The attribute names any policy sets on accounts of `appId`, each once, in policy order. */
export function managedAttributes(policies: readonly Policy[], appId: string): string[] {
  const names = new Set<string>();
  for (const p of policies)
    for (const a of p.accounts)
      if (a.application === appId) for (const k of Object.keys(a.attributes)) names.add(k);
  return [...names];
}
