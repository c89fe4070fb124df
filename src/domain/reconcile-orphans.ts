/** The one remediation of orphans a plan may contain: disabling them, only where the app opts in. */
import { toManualTask } from './manual-task.js';
import { opKey } from './op-key.js';
import type { AppMap } from './plan.js';
import type { ActualAccount, Operation } from './types.js';

const ORPHAN = Object.freeze(['orphan']) as string[];
const RECONCILE = Object.freeze(['reconcile']) as string[];

/**
 * `account.disable` (a manual task on manual applications) for every enabled account linked to no
 * identity, in applications with `orphans: disable`; nothing for `orphans: report` (the default).
 * Orphans' entitlements are left alone: disabling stops their use, and deleting or stripping an
 * account nobody can vouch for is a decision for a person. Sorted by application, then account.
 */
export function planOrphans(actual: readonly ActualAccount[], apps: AppMap): Operation[] {
  const ops: Operation[] = [];
  for (const a of actual) {
    if (a.identity_id !== null || !a.enabled) continue;
    const app = apps.get(a.app_id);
    if (app?.orphans !== 'disable') continue;
    const raw: Operation = {
      key: '',
      kind: 'account.disable',
      app_id: a.app_id,
      identity_id: null,
      account_id: a.account_id,
      reasons: ORPHAN,
      lifecycle: RECONCILE,
    };
    const op = app.connector === 'manual' ? toManualTask(raw, app) : raw;
    op.key = opKey(op);
    ops.push(op);
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return ops.sort((x, y) => cmp(x.app_id, y.app_id) || cmp(x.account_id, y.account_id));
}
