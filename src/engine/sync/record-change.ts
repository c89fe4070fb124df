/** One HR record against what Tenure knows: the new identity, its lifecycle events, and whether nothing changed. */
import { detectLifecycle, type LifecycleSettings } from '../../domain/lifecycle.js';
import type { HrRecord, Identity, LifecycleEvent } from '../../domain/types.js';

/**
 * One HR record against what Tenure knows: the new identity, its lifecycle events, and whether
 * nothing at all changed. Shared by snapshot imports and HR webhooks (src/engine/webhook).
 */
export function recordChange(
  prev: Identity | undefined,
  record: HrRecord,
  now: Date,
  settings: LifecycleSettings,
  sourceId: string,
): { identity: Identity; events: LifecycleEvent[]; unchanged: boolean } {
  const { identity, events } = detectLifecycle(prev, record, now, settings, sourceId);
  const unchanged = events.length === 0 && prev !== undefined && sameRecord(prev, identity);
  return { identity, events, unchanged };
}

const sameRecord = (a: Identity, b: Identity) =>
  a.status === b.status &&
  a.missing_from_source === b.missing_from_source &&
  sameAttributes(a.attributes, b.attributes);

/**
 * Key order does not matter: stored attributes come back from canonical (sorted-key) JSON while a
 * parsed record has HR field order, so comparing JSON text called every stored person changed.
 */
const sameAttributes = (a: HrRecord, b: HrRecord): boolean => {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    if (!Object.hasOwn(b, k) || a[k as keyof HrRecord] !== b[k as keyof HrRecord]) return false;
  }
  return true;
};
