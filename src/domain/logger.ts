/**
 * The logger every layer takes: the part of pino's shape Tenure calls, so connectors, sources and
 * the agent log without depending on pino or on the control plane. One definition.
 */
/** Structured fields first, then the message; or the message alone. */
export type LogFn = { (obj: object, msg?: string): void; (msg: string): void };

export type Logger = {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
};
