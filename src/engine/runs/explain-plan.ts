/** What a plan needs to read well: why each person changes, and the old values an update or move replaces. */
import { changedAttributes } from '../../domain/attribute-diff.js';
import { type ChangeExplanation, explainChange } from '../../domain/change-reason.js';
import { sameLdapValue } from '../../domain/ldap-values.js';
import { actionOf } from '../../domain/phases.js';
import type { AppMap } from '../../domain/plan.js';
import type { ActualAccount, HrRecord, Identity, Operation } from '../../domain/types.js';

/** What history says about one identity's latest change (see `labelFromHistory`). */
export type ChangeFacts = { events: readonly string[]; previous?: HrRecord; at?: string };

/** The values an `account.update` / `account.move` replaces, so the plan can print old → new. */
export type BeforeValues = {
  container: string | null;
  /** The attributes an update changes, compared as the plan compares them, in desired order. */
  changed: string[];
  /** Their current values, under the desired names ('' when absent). */
  attributes: Record<string, string>;
};

const CHANGES = new Set(['account.update', 'account.move']);

/** Records, by operation key, the current values of the accounts that updates and moves change. */
export function recordBefore(
  ops: readonly Operation[],
  actual: readonly ActualAccount[],
  apps: AppMap,
  into: Map<string, BeforeValues>,
): void {
  let index: Map<string, ActualAccount> | undefined;
  for (const op of ops) {
    if (!CHANGES.has(actionOf(op))) continue;
    // Updates and moves are few: index the batch's accounts only when one is planned.
    index ??= new Map(actual.map((a) => [`${a.app_id}\u0000${a.account_id}`, a]));
    const acc = index.get(`${op.app_id}\u0000${op.account_id}`);
    if (acc === undefined) continue;
    const same = apps.get(op.app_id)?.connector === 'ldap' ? sameLdapValue : undefined;
    const changed = op.attributes ? changedAttributes(op.attributes, acc.attributes, same) : [];
    into.set(op.key, { container: acc.container, changed, attributes: valuesOf(acc, changed) });
  }
}

/** One explanation per identity that has operations, from its change facts (labels otherwise). */
export function explainIdentities(
  ops: readonly Operation[],
  identities: ReadonlyMap<string, Identity>,
  facts: ReadonlyMap<string, ChangeFacts>,
  timeZone: string,
): Map<string, ChangeExplanation> {
  const out = new Map<string, ChangeExplanation>();
  let last: string | null = null;
  for (const op of ops) {
    const id = op.identity_id;
    if (id === null || id === last || out.has(id)) continue;
    last = id;
    const identity = identities.get(id);
    if (identity === undefined) continue;
    const f = facts.get(id);
    out.set(id, explainChange({ identity, events: f?.events ?? op.lifecycle, ...f, timeZone }));
  }
  return out;
}

/** Current values of `names`, matching names without case as the plan does. */
function valuesOf(acc: ActualAccount, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const lower = n.toLowerCase();
    const k =
      n in acc.attributes ? n : Object.keys(acc.attributes).find((a) => a.toLowerCase() === lower);
    out[n] = (k === undefined ? undefined : acc.attributes[k]) ?? '';
  }
  return out;
}
