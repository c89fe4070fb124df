/** Pure simulator of what successful operations do to actual state: tests and dry-run previews. */

import { actionOf } from './phases.js';
import type { ActualAccount, Operation } from './types.js';

const keyOf = (app: string, account: string): string => `${app}\u0000${account}`;

/**
 * The accounts after every op succeeded (a manual.task applies its action). Inputs are not
 * mutated. Ops on accounts that don't exist are no-ops, and so is a create whose account id is
 * taken (a real connector would report a collision).
 */
export function applyPlan(
  actual: readonly ActualAccount[],
  ops: readonly Operation[],
): ActualAccount[] {
  const accounts = new Map<string, ActualAccount>();
  for (const a of actual) {
    accounts.set(keyOf(a.app_id, a.account_id), {
      ...a,
      attributes: { ...a.attributes },
      entitlements: [...a.entitlements],
    });
  }
  for (const op of ops) {
    const action = actionOf(op);
    const key = keyOf(op.app_id, op.account_id);
    const acc = accounts.get(key);
    if (action === 'account.create') {
      if (acc !== undefined) continue;
      accounts.set(key, {
        app_id: op.app_id,
        account_id: op.account_id,
        identity_id: op.identity_id,
        attributes: { ...op.attributes },
        container: op.container ?? null,
        enabled: op.enabled ?? true,
        entitlements: [],
      });
      continue;
    }
    if (acc === undefined) continue;
    switch (action) {
      case 'account.update':
        Object.assign(acc.attributes, op.attributes);
        break;
      case 'account.move':
        acc.container = op.container ?? null;
        break;
      case 'account.enable':
        acc.enabled = true;
        break;
      case 'account.disable':
        acc.enabled = false;
        break;
      case 'account.delete':
        accounts.delete(key);
        break;
      case 'entitlement.grant':
        if (op.entitlement !== undefined && !acc.entitlements.includes(op.entitlement)) {
          acc.entitlements.push(op.entitlement);
        }
        break;
      case 'entitlement.revoke':
        acc.entitlements = acc.entitlements.filter((e) => e !== op.entitlement);
        break;
    }
  }
  return [...accounts.values()];
}
