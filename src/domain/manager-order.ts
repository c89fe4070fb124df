/**
 * Orders account creates so a manager is created before the people they manage. Connectors
 * link `attributes.manager` to an account that exists; sent in batches, a report created before
 * its manager (in an earlier batch) would otherwise have no manager to link to.
 */
import type { Operation } from './types.js';

/**
 * Creates whose identity manages another create come first (depth-first, managers before
 * reports); everything else keeps its order. A manager cycle is broken where it is met.
 */
export function managersFirst(ops: readonly Operation[]): Operation[] {
  const creates = new Map<string, Operation[]>();
  for (const op of ops)
    if (op.kind === 'account.create' && op.identity_id) {
      const list = creates.get(op.identity_id);
      if (list) list.push(op);
      else creates.set(op.identity_id, [op]);
    }
  if (creates.size === 0) return [...ops];
  const out: Operation[] = [];
  const placed = new Set<Operation>();
  const visiting = new Set<string>();
  const place = (op: Operation) => {
    if (placed.has(op)) return;
    const manager = op.kind === 'account.create' ? op.attributes?.manager : undefined;
    if (manager && manager !== op.identity_id && !visiting.has(manager)) {
      visiting.add(manager);
      for (const m of creates.get(manager) ?? []) place(m);
      visiting.delete(manager);
    }
    if (placed.has(op)) return;
    placed.add(op);
    out.push(op);
  };
  for (const op of ops) place(op);
  return out;
}
