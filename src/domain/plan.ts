/** The diff of desired and actual accounts into ordered, idempotent operations (joiner, mover, leaver alike). */
import type { Application } from './application.js';
import { changedAttributes } from './attribute-diff.js';
import { TenureError } from './errors.js';
import { sameLdapContainer, sameLdapValue } from './ldap-values.js';
import { toManualTask } from './manual-task.js';
import { opKey } from './op-key.js';
import { OPERATION_RANK } from './phases.js';
import type { ActualAccount, DesiredAccount, DirectOperationKind, Operation } from './types.js';

export { applyPlan } from './apply-plan.js';
export { opKey } from './op-key.js';

export type AppMap = ReadonlyMap<string, Application>;

const RANK: Partial<Record<string, number>> = OPERATION_RANK;

// Shared, frozen reason lists: millions of ops need not each own a copy. Read-only.
const frozen = (...r: string[]): string[] => Object.freeze(r) as string[];
const UNJUSTIFIED = frozen('unjustified');
const DUPLICATE = frozen('duplicate_account');
const DESIRED_DISABLED = frozen('desired_disabled');
const NO_LABELS = frozen();

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

type Extra = Pick<Operation, 'attributes' | 'container' | 'enabled'>;

/** The ops of one application for one identity, collected before they are sorted and keyed. */
type AppOps = {
  app: Application;
  identityId: string;
  lifecycle: string[];
  ops: Operation[];
  /** update only: attribute keys that differ, for the manual task summary. */
  changed: string[];
};

function add(
  b: AppOps,
  kind: DirectOperationKind,
  account_id: string,
  reasons: string[],
  extra?: Extra,
): void {
  const op: Operation = {
    key: '',
    kind,
    app_id: b.app.id,
    identity_id: b.identityId,
    account_id,
    ...extra,
    reasons,
    lifecycle: b.lifecycle,
  };
  b.ops.push(op);
}

/** Grants and revokes are the bulk of all ops: one object literal each, no intermediate. */
function addEntitlement(
  b: AppOps,
  kind: 'entitlement.grant' | 'entitlement.revoke',
  account_id: string,
  entitlement: string,
  reasons: string[],
): void {
  b.ops.push({
    key: '',
    kind,
    app_id: b.app.id,
    identity_id: b.identityId,
    account_id,
    entitlement,
    reasons,
    lifecycle: b.lifecycle,
  });
}

function finish(b: AppOps, out: Operation[], sort: boolean): void {
  // Stable: within a phase, ops keep their account, then entitlement order.
  // Within one application: create → move → update → enable → grant → revoke → disable → delete.
  if (sort) b.ops.sort((x, y) => (RANK[x.kind] ?? 0) - (RANK[y.kind] ?? 0));
  const manual = b.app.connector === 'manual';
  for (const raw of b.ops) {
    const op = manual
      ? toManualTask(raw, b.app, raw.kind === 'account.update' ? b.changed : [])
      : raw;
    op.key = opKey(op);
    out.push(op);
  }
}

function deprovision(acc: ActualAccount, app: Application, reasons: string[], b: AppOps): void {
  const held =
    acc.entitlements.length > 1 ? [...new Set(acc.entitlements)].sort(byString) : acc.entitlements;
  for (const e of held) addEntitlement(b, 'entitlement.revoke', acc.account_id, e, reasons);
  if (app.deprovision === 'delete') add(b, 'account.delete', acc.account_id, reasons);
  else if (acc.enabled) add(b, 'account.disable', acc.account_id, reasons);
}

function create(d: DesiredAccount, b: AppOps): void {
  // One literal (no spread of an `extra` object): a joiner wave creates ~900 k of these.
  b.ops.push({
    key: '',
    kind: 'account.create',
    app_id: b.app.id,
    identity_id: b.identityId,
    account_id: d.account_id,
    attributes: d.attributes,
    container: d.container,
    enabled: d.enabled,
    reasons: d.reasons,
    lifecycle: b.lifecycle,
  });
  for (const e of Object.keys(d.entitlements).sort(byString)) {
    addEntitlement(b, 'entitlement.grant', d.account_id, e, d.entitlements[e]!);
  }
}

function reconcile(d: DesiredAccount, acc: ActualAccount, b: AppOps): void {
  const id = acc.account_id;
  // LDAP containers and DN values (manager, seeAlso…) compare as the directory matches them,
  // not as spelt: else every reconcile, read back in the directory's spelling, planned changes.
  const ldap = b.app.connector === 'ldap';
  if (d.container !== null && d.container !== acc.container) {
    if (!(ldap && acc.container !== null && sameLdapContainer(d.container, acc.container)))
      add(b, 'account.move', id, d.reasons, { container: d.container });
  }
  // Names ignore case and absent/null/'' are one value.
  const same = ldap ? sameLdapValue : undefined;
  for (const k of changedAttributes(d.attributes, acc.attributes, same)) b.changed.push(k);
  if (b.changed.length > 0) {
    add(b, 'account.update', id, d.reasons, { attributes: d.attributes });
  }
  if (d.enabled && !acc.enabled) add(b, 'account.enable', id, d.reasons);
  if (!d.enabled && acc.enabled) add(b, 'account.disable', id, DESIRED_DISABLED);
  let missing: string[] | undefined;
  for (const e in d.entitlements) {
    if (!acc.entitlements.includes(e)) {
      missing ??= [];
      missing.push(e);
    }
  }
  if (missing !== undefined) {
    for (const e of missing.sort(byString)) {
      addEntitlement(b, 'entitlement.grant', id, e, d.entitlements[e]!);
    }
  }
  let extra: string[] | undefined;
  for (const e of acc.entitlements) {
    if (!Object.hasOwn(d.entitlements, e)) {
      extra ??= [];
      extra.push(e);
    }
  }
  if (extra !== undefined) {
    for (const e of [...new Set(extra)].sort(byString)) {
      addEntitlement(b, 'entitlement.revoke', id, e, UNJUSTIFIED);
    }
  }
}

/** The account that stays: the one named as desired, else the lowest id (stable after the plan runs). */
function pickPrimary(
  accounts: readonly ActualAccount[],
  start: number,
  end: number,
  accountId: string,
): ActualAccount | undefined {
  for (let k = start; k < end; k++) if (accounts[k]!.account_id === accountId) return accounts[k];
  return start < end ? accounts[start] : undefined;
}

const byAppThenAccount = (a: ActualAccount, b: ActualAccount): number =>
  byString(a.app_id, b.app_id) || byString(a.account_id, b.account_id);

/**
 * Operations that bring one identity's accounts to `desired`. Desired and actual match by
 * (app_id, identity_id); when several actual accounts match, the one named `desired.account_id`
 * (else the lowest account id) is kept and the others are deprovisioned as `duplicate_account`.
 * Linked accounts no desired entry justifies are stripped, then disabled (or deleted if the app
 * says `deprovision: delete`). Accounts of applications missing from `apps` are left alone.
 * Ops come per application (sorted by id), in phase order; reasons: policies/grants for
 * additions, `unjustified` / `duplicate_account` / `desired_disabled` for removals. Reason and
 * lifecycle arrays are shared between ops (frozen), and a create's or update's `attributes` is the
 * desired account's object: treat them as read-only.
 */
export function planIdentity(
  identityId: string,
  desired: readonly DesiredAccount[],
  actual: readonly ActualAccount[],
  apps: AppMap,
  lifecycle: string[],
): Operation[] {
  for (const d of desired) {
    if (!apps.has(d.app_id)) {
      throw new TenureError('plan.unknown_application', `unknown application "${d.app_id}"`, {
        app_id: d.app_id,
        identity_id: identityId,
      });
    }
  }
  const ds =
    desired.length > 1 ? [...desired].sort((a, b) => byString(a.app_id, b.app_id)) : desired;
  const as = actual
    .filter((a) => a.identity_id === identityId && apps.has(a.app_id))
    .sort(byAppThenAccount);
  const labels = lifecycle.length === 0 ? NO_LABELS : frozen(...lifecycle);
  const ops: Operation[] = [];
  // One scratch per identity, reset per application: finish() moves the ops out.
  let b: AppOps | undefined;
  let i = 0;
  let j = 0;
  while (i < ds.length || j < as.length) {
    const appId =
      i < ds.length && (j >= as.length || ds[i]!.app_id <= as[j]!.app_id)
        ? ds[i]!.app_id
        : as[j]!.app_id;
    const d = i < ds.length && ds[i]!.app_id === appId ? ds[i] : undefined;
    while (i < ds.length && ds[i]!.app_id === appId) i++; // a second desired entry per app is ignored
    const start = j;
    while (j < as.length && as[j]!.app_id === appId) j++;
    const app = apps.get(appId)!;
    if (b === undefined) b = { app, identityId, lifecycle: labels, ops: [], changed: [] };
    else {
      b.app = app;
      b.ops.length = 0;
      b.changed.length = 0;
    }
    const primary = d === undefined ? undefined : pickPrimary(as, start, j, d.account_id);
    if (d !== undefined) {
      if (primary === undefined) create(d, b);
      else reconcile(d, primary, b);
    }
    for (let k = start; k < j; k++) {
      if (as[k] !== primary) deprovision(as[k]!, app, d ? DUPLICATE : UNJUSTIFIED, b);
    }
    finish(b, ops, j - start > 1);
  }
  return ops;
}

/**
 * Plans every identity in `desiredByIdentity` (sorted by id). Only those identities are planned:
 * map a terminated identity to `[]` to deprovision it; accounts of identities absent from the map,
 * and orphans (`identity_id === null`), are never touched.
 */
export function planAll(
  desiredByIdentity: ReadonlyMap<string, readonly DesiredAccount[]>,
  actual: readonly ActualAccount[],
  apps: AppMap,
  lifecycleByIdentity: ReadonlyMap<string, string[]>,
): Operation[] {
  const actualByIdentity = new Map<string, ActualAccount[]>();
  for (const a of actual) {
    if (a.identity_id === null || !desiredByIdentity.has(a.identity_id)) continue;
    const list = actualByIdentity.get(a.identity_id);
    if (list === undefined) actualByIdentity.set(a.identity_id, [a]);
    else list.push(a);
  }
  const ops: Operation[] = [];
  for (const id of [...desiredByIdentity.keys()].sort(byString)) {
    const planned = planIdentity(
      id,
      desiredByIdentity.get(id)!,
      actualByIdentity.get(id) ?? [],
      apps,
      lifecycleByIdentity.get(id) ?? [],
    );
    for (const op of planned) ops.push(op);
  }
  return ops;
}
