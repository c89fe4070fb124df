/** One error type with a stable, registered code; its kind (error-codes.ts) decides status and exit code. */
import { type ErrorCode, type ErrorKind, kindOf } from './error-codes.js';

export type { ErrorCode, ErrorKind } from './error-codes.js';

export class TenureError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'TenureError';
    this.code = code;
    this.details = details;
  }

  get kind(): ErrorKind {
    return kindOf(this.code);
  }
}

export const isTenureError = (e: unknown): e is TenureError => e instanceof TenureError;
