/** The access snapshot: the population frozen at launch, in canonical order, and its SHA-256. */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../audit/canonical-json.js';
import type { SnapshotEntry } from '../../domain/governance/campaign.js';

const key = (e: SnapshotEntry) =>
  `${e.identity_id}\u0000${e.app_id}\u0000${e.account_id}\u0000${e.entitlement_id ?? ''}`;

/** Sorts by identity, application, account, entitlement (code-unit order): the snapshot's order. */
export const sortSnapshot = <T extends SnapshotEntry>(entries: readonly T[]): T[] =>
  [...entries].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });

/** Just the four snapshot fields of each line (anything else an item carries is left out). */
export const snapshotLines = (entries: readonly SnapshotEntry[]): SnapshotEntry[] =>
  sortSnapshot(entries).map((e) => ({
    identity_id: e.identity_id,
    app_id: e.app_id,
    account_id: e.account_id,
    entitlement_id: e.entitlement_id,
  }));

/**
 * SHA-256 (hex) of the canonical JSON of the sorted snapshot lines: `[{account_id, app_id,
 * entitlement_id, identity_id}, …]`. Anyone holding the lines recomputes it (the report does).
 */
export const accessSnapshotHash = (entries: readonly SnapshotEntry[]): string =>
  createHash('sha256')
    .update(canonicalJson(snapshotLines(entries)))
    .digest('hex');
