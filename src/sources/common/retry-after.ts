/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, to milliseconds from now. Pure. */

/**
 * Milliseconds to wait, or undefined when the header is absent or unreadable (the caller then
 * backs off on its own). A date in the past means "now": 0.
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */
export function retryAfterMs(header: string | null | undefined, now: Date): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (/^\d{1,10}$/.test(value)) return Number(value) * 1000;
  // HTTP-date: IMF-fixdate (and the obsolete forms Date.parse also reads). Must name a weekday
  // or month, so that "12abc" is not taken for a date.
  if (!/[A-Za-z]{3}/.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/** Backoff without a Retry-After: 1 s, 2 s, 4 s … capped. */
export const backoffMs = (attempt: number, capMs: number): number =>
  Math.min(capMs, 1000 * 2 ** Math.max(0, attempt));
