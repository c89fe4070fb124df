/** Documented exit codes (docs/cli.md): scripts and schedulers branch on these. */
export const EXIT = {
  ok: 0,
  error: 1,
  /** Bad input: invalid config, bad arguments, unreadable or malformed HR file. */
  invalid: 2,
  /** A run was held by the safety gate and waits for `tenure apply --approve <run-id>`. */
  held: 3,
  /** `tenure audit verify` found tampering. */
  tampered: 4,
  /** A run finished but some operations failed. */
  partial: 5,
  /** An import was halted by the snapshot safety threshold. */
  halted: 6,
  /** Another run holds the workspace's run lock (`run.in_progress`, naming the holder). */
  conflict: 7,
  /** The store ran out of space (`store.disk_full`); the interrupted change was rolled back. */
  disk_full: 8,
  /**
   * The import (and the run, for everyone else) completed, but HR rows were quarantined: those
   * people are unchanged until their rows are fixed (`tenure quarantine list`).
   */
  quarantined: 9,
} as const;

export function exitCodeFor(code: string): number {
  if (code === 'hr.snapshot_drop') return EXIT.halted;
  if (code === 'store.disk_full') return EXIT.disk_full;
  if (/^(demo|serve)\./.test(code)) return EXIT.invalid;
  if (code === 'run.in_progress') return EXIT.conflict;
  if (/^(config|hr|cli|policy|workspace|source|app|task|run|user|token)\./.test(code))
    return EXIT.invalid;
  return EXIT.error;
}
