/** Helpers for the HR-system source tests: a source made straight from its factory, and signed vendor webhooks. */
import { pino } from 'pino';
import { resolveSecret } from '../../src/config/load-config.js';
import type { SourceFactory } from '../../src/sources/contract.js';

export const silentLog = pino({ level: 'silent' });

/** A source from its factory, as the engine would open it, with a fixed "now". */
export function makeSource<C>(
  factory: SourceFactory<C>,
  settings: Record<string, unknown>,
  opts: { now?: Date; timeZone?: string } = {},
) {
  const now = opts.now ?? new Date('2026-11-26T09:00:00Z');
  return factory.create({
    sourceId: String(settings.id),
    config: factory.configGuard.parse(settings),
    secret: (ref) => resolveSecret(ref),
    baseDir: '/nonexistent',
    log: silentLog,
    clock: () => now,
    timeZone: opts.timeZone ?? 'Europe/Paris',
  });
}

/** What a refusal throws: its code (and problems, for webhook.invalid). */
export function refusal(fn: () => unknown): { code: string; message: string; problems?: string[] } {
  try {
    fn();
  } catch (e) {
    const err = e as { code: string; message: string; details?: { problems?: string[] } };
    return { code: err.code, message: err.message, problems: err.details?.problems };
  }
  return { code: 'ok', message: '' };
}
