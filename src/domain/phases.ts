/** The one order in which changes reach a target: creates first, removals last (a leaver is stripped, then disabled). */
import type { DirectOperationKind, Operation } from './types.js';

/**
 * The phases, in order, each listing its kinds in their order within one account: create ⟶
 * move/update/enable ⟶ grant/revoke ⟶ disable/delete. Everything below derives from it.
 */
export const OPERATION_PHASES: readonly (readonly DirectOperationKind[])[] = [
  ['account.create'],
  ['account.move', 'account.update', 'account.enable'],
  ['entitlement.grant', 'entitlement.revoke'],
  ['account.disable', 'account.delete'],
];

/** Every kind's place in the whole order: create 0, move 1, … delete 7. */
export const OPERATION_RANK = Object.fromEntries(
  OPERATION_PHASES.flat().map((kind, i) => [kind, i]),
) as Record<DirectOperationKind, number>;

/** Within one account and phase: move before update before enable; disable before delete. */
export const OPERATION_ORDER = Object.fromEntries(
  OPERATION_PHASES.flatMap((kinds) => kinds.map((kind, i) => [kind, i])),
) as Record<DirectOperationKind, number>;

/**
 * What an operation does to the account: its kind, or — for a manual task — the action the
 * person carries out (one planned without an action counts as an update).
 */
export const actionOf = (op: Pick<Operation, 'kind' | 'task'>): DirectOperationKind =>
  op.kind === 'manual.task' ? (op.task?.action ?? 'account.update') : op.kind;

/** The operation's place in the whole order, a manual task by its real action. */
export const rankOf = (op: Pick<Operation, 'kind' | 'task'>): number =>
  OPERATION_RANK[actionOf(op)];

/** The index of the operation's phase in OPERATION_PHASES. */
export const phaseOf = (op: Pick<Operation, 'kind' | 'task'>): number =>
  OPERATION_PHASES.findIndex((kinds) => kinds.includes(actionOf(op)));

const REMOVALS: ReadonlySet<DirectOperationKind> = new Set([
  'entitlement.revoke',
  'account.disable',
  'account.delete',
]);

/** Whether the operation takes access away: a revoke, a disable or a delete (manual tasks too). */
export const isRemoval = (op: Pick<Operation, 'kind' | 'task'>): boolean =>
  REMOVALS.has(actionOf(op));
