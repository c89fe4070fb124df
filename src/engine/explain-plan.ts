/** What a plan needs to read well: why each person changes, and the old values an update or move replaces. */
import { type ChangeExplanation, explainChange } from '../domain/change-reason.js';
import type { ActualAccount, HrRecord, Identity, Operation } from '../domain/types.js';

/** What history says about one identity's latest change (see `labelFromHistory`). */
export type ChangeFacts = { events: readonly string[]; previous?: HrRecord; at?: string };

/** The values an `account.update` / `account.move` replaces, so the plan can print old → new. */
export type BeforeValues = { attributes: Record<string, string>; container: string | null };

const CHANGES = new Set(['account.update', 'account.move']);
const actionOf = (op: Operation) => (op.kind === 'manual.task' ? op.task?.action : op.kind);

/** Records, by operation key, the current values of the accounts that updates and moves change. */
export function recordBefore(
  ops: readonly Operation[],
  actual: readonly ActualAccount[],
  into: Map<string, BeforeValues>,
): void {
  let index: Map<string, ActualAccount> | undefined;
  for (const op of ops) {
    if (!CHANGES.has(actionOf(op) ?? '')) continue;
    // Updates and moves are few: index the batch's accounts only when one is planned.
    index ??= new Map(actual.map((a) => [`${a.app_id}\u0000${a.account_id}`, a]));
    const acc = index.get(`${op.app_id}\u0000${op.account_id}`);
    if (acc) into.set(op.key, { attributes: acc.attributes, container: acc.container });
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
