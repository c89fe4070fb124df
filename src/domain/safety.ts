/** Safety gate: hold a plan that would disable or delete too large a share of an application's accounts. */
import type { Application } from './application.js';
import { actionOf } from './phases.js';
import type { ActualAccount, Operation } from './types.js';

export type SafetySettings = { max_deprovision_share: number; min_deprovision_count: number };
export type AppDeprovisions = {
  app_id: string;
  deprovisions: number;
  accounts: number;
  share: number;
  /** Of `deprovisions`, those an admin already approved (not counted against the limit). */
  preapproved?: number;
};
export type SafetyVerdict = { held: boolean; byApp: AppDeprovisions[]; reasons: string[] };

const isDeprovision = (op: Operation): boolean => {
  const action = actionOf(op);
  return action === 'account.disable' || action === 'account.delete';
};

const isCounts = (
  x: readonly ActualAccount[] | ReadonlyMap<string, number>,
): x is ReadonlyMap<string, number> => x instanceof Map;

const pct = (x: number): string => `${Math.round(x * 1000) / 10} %`;

/** The applications `ops` disable or delete accounts in: whose enabled accounts the gate counts. */
export function deprovisionedApps(ops: readonly Operation[]): string[] {
  const apps = new Set<string>();
  for (const op of ops) if (isDeprovision(op)) apps.add(op.app_id);
  return [...apps];
}

/**
 * Per application, counts disable/delete ops (manual tasks included) against the accounts
 * enabled now. Held when count > share × enabled accounts and count ≥ the minimum. `byApp` lists
 * applications with at least one deprovision, by id; `share` is 1 when nothing is enabled.
 * `actual` is the accounts, or (when they are too many to hold) the number of enabled accounts
 * per application, for at least the applications of `deprovisionedApps(ops)`.
 *
 * `preApproved`: keys of operations an admin already approved in a run that was interrupted
 * before doing them. They do not count against the limit: the accounts they would have removed
 * are partly gone already, so counting them again against the shrunken total would hold the
 * rest of an approved run a second time.
 */
export function safetyGate(
  ops: readonly Operation[],
  actual: readonly ActualAccount[] | ReadonlyMap<string, number>,
  apps: ReadonlyMap<string, Application>,
  s: SafetySettings,
  preApproved: ReadonlySet<string> = new Set(),
): SafetyVerdict {
  const counts = new Map<string, number>();
  const approved = new Map<string, number>();
  for (const op of ops) {
    if (!isDeprovision(op)) continue;
    counts.set(op.app_id, (counts.get(op.app_id) ?? 0) + 1);
    if (preApproved.has(op.key)) approved.set(op.app_id, (approved.get(op.app_id) ?? 0) + 1);
  }
  let enabled: ReadonlyMap<string, number>;
  if (isCounts(actual)) enabled = actual;
  else {
    const tally = new Map<string, number>();
    for (const a of actual) {
      if (a.enabled && counts.has(a.app_id)) tally.set(a.app_id, (tally.get(a.app_id) ?? 0) + 1);
    }
    enabled = tally;
  }
  const byApp: AppDeprovisions[] = [];
  const reasons: string[] = [];
  for (const app_id of [...counts.keys()].sort()) {
    const deprovisions = counts.get(app_id) ?? 0;
    const accounts = enabled.get(app_id) ?? 0;
    const share = accounts === 0 ? 1 : deprovisions / accounts;
    const preapproved = approved.get(app_id) ?? 0;
    byApp.push({ app_id, deprovisions, accounts, share, ...(preapproved > 0 && { preapproved }) });
    const unapproved = deprovisions - preapproved;
    if (unapproved > s.max_deprovision_share * accounts && unapproved >= s.min_deprovision_count) {
      const name = apps.get(app_id)?.name ?? app_id;
      reasons.push(
        `${name}: ${deprovisions} of ${accounts} enabled accounts would be disabled or deleted ` +
          `(${pct(share)}), above the ${pct(s.max_deprovision_share)} limit with at least ` +
          `${s.min_deprovision_count} accounts; an admin must approve this run.` +
          (preapproved > 0 ? ` (${preapproved} of them were approved already.)` : ''),
      );
    }
  }
  return { held: reasons.length > 0, byApp, reasons };
}
