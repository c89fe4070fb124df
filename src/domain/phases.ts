/** The one order in which changes reach a target: creates first, removals last (a leaver is stripped, then disabled). */
import type { DirectOperationKind } from './types.js';

export const OPERATION_PHASES: readonly (readonly DirectOperationKind[])[] = [
  ['account.create'],
  ['account.move', 'account.update', 'account.enable'],
  ['entitlement.grant', 'entitlement.revoke'],
  ['account.disable', 'account.delete'],
];

/** Within one account and phase: move before update before enable; disable before delete. */
export const OPERATION_ORDER: Partial<Record<DirectOperationKind, number>> = {
  'account.move': 0,
  'account.update': 1,
  'account.enable': 2,
  'account.disable': 0,
  'account.delete': 1,
};
