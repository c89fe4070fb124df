/** Documented exit codes (docs/cli.md): scripts and schedulers branch on these. */
import { type ErrorCode, type ErrorKind, kindOf } from '../domain/error-codes.js';

export const EXIT = {
  ok: 0,
  error: 1,
  /** Bad input: invalid config, bad arguments, unreadable or malformed HR file, no such thing. */
  invalid: 2,
  /** A run was held by the safety gate and waits for `tenure apply --approve <run-id>`. */
  held: 3,
  /** `tenure audit verify` found tampering. */
  tampered: 4,
  /** A run finished but some operations failed. */
  partial: 5,
  /** An import was halted by the snapshot safety threshold. */
  halted: 6,
  /** The action collides with the current state: the run lock is held, the task already closed… */
  conflict: 7,
  /** The store ran out of space (`store.disk_full`); the interrupted change was rolled back. */
  disk_full: 8,
  /**
   * The import (and the run, for everyone else) completed, but HR rows were quarantined: those
   * people are unchanged until their rows are fixed (`tenure quarantine list`).
   */
  quarantined: 9,
  /** A service Tenure needs (an HR vendor API, the IdP, the control plane) is unreachable: retry. */
  unavailable: 10,
} as const;

/**
 * Each error kind's exit code. `not_found` shares 2 with bad input (the argument names nothing):
 * scripts that must tell them apart read `kind` from the `--json` error.
 */
export const KIND_EXIT: Record<ErrorKind, number> = {
  invalid: EXIT.invalid,
  unprocessable: EXIT.invalid,
  not_found: EXIT.invalid,
  forbidden: EXIT.invalid,
  unauthenticated: EXIT.invalid,
  too_large: EXIT.invalid,
  unsupported_media_type: EXIT.invalid,
  misconfigured: EXIT.invalid,
  conflict: EXIT.conflict,
  halted: EXIT.halted,
  disk_full: EXIT.disk_full,
  throttled: EXIT.unavailable,
  unavailable: EXIT.unavailable,
  internal: EXIT.error,
};

export const exitCodeFor = (code: ErrorCode): number => KIND_EXIT[kindOf(code)];
