/** What every vendor source takes from its context: fetch, "today" in the organisation's zone, a logger. */
import { localDate } from '../../domain/calendar.js';
import type { SourceContext } from '../contract.js';

/** Today's ISO date in the organisation's time zone: termination dates are compared with it. */
export const todayOf = (ctx: SourceContext<unknown>): string =>
  localDate((ctx.clock ?? (() => new Date()))(), ctx.timeZone ?? 'UTC');

export const fetchOf = (ctx: SourceContext<unknown>): typeof fetch => ctx.fetch ?? fetch;

export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export const kindOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;

/** Runs fn over items with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
