/** The snapshot-drop guard: halt an import whose row count fell too far since the last one. */

export type SnapshotDropCheck = { ok: true } | { ok: false; reason: string };

const pct = (share: number): string => `${(share * 100).toFixed(1).replace(/\.0$/, '')} %`;

/**
 * `previousCount` is the row count of the last accepted snapshot (undefined on the first import);
 * `maxDrop` is a share (0.1 = 10 %). A fall of exactly `maxDrop` is allowed.
 */
export function checkSnapshotDrop(
  previousCount: number | undefined,
  currentCount: number,
  maxDrop: number,
): SnapshotDropCheck {
  if (previousCount === undefined || previousCount <= 0 || currentCount >= previousCount) {
    return { ok: true };
  }
  const drop = (previousCount - currentCount) / previousCount;
  // The epsilon keeps 10 -> 9 at maxDrop 0.1 allowed despite floating-point rounding.
  if (drop <= maxDrop + 1e-9) return { ok: true };
  return {
    ok: false,
    reason:
      `row count fell from ${previousCount} to ${currentCount} (-${pct(drop)}), more than the ` +
      `allowed ${pct(maxDrop)}; check the export before importing it`,
  };
}
