/** One error type with a stable code; the CLI and (later) HTTP map codes to exit codes/statuses. */
export class TenureError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'TenureError';
    this.code = code;
    this.details = details;
  }
}

export const isTenureError = (e: unknown): e is TenureError => e instanceof TenureError;
