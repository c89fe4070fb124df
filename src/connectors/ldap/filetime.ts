/**
 * Active Directory `accountExpires` values: FILETIME (100 ns ticks since 1601-01-01 UTC) to and
 * from the ISO end date a policy gives (`account_expires: "{end_date}"`).
 * @see https://learn.microsoft.com/windows/win32/adschema/a-accountexpires
 */
const EPOCH_OFFSET = 116_444_736_000_000_000n; // 1601-01-01 -> 1970-01-01 in 100 ns ticks
const TICKS_PER_MS = 10_000n;
/** Both mean "never expires": 0 is what the AD console writes, the maximum is the default. */
export const NEVER = ['0', '9223372036854775807'] as const;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The account works through the whole of `date` (UTC) and expires at the following midnight UTC.
 * Returns undefined for something that is not a real YYYY-MM-DD date.
 */
export function endOfDayFileTime(date: string): string | undefined {
  const m = ISO_DATE.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = Date.UTC(y, mo - 1, d);
  const check = new Date(day);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
    return undefined;
  const next = day + 86_400_000;
  return (BigInt(next) * TICKS_PER_MS + EPOCH_OFFSET).toString();
}

/** The last day the account works (UTC), or '' for "never" and for values that are not FILETIMEs. */
export function fileTimeToEndDate(value: string): string {
  if (!/^\d+$/.test(value) || (NEVER as readonly string[]).includes(value)) return '';
  const ms = (BigInt(value) - EPOCH_OFFSET) / TICKS_PER_MS;
  if (ms <= 0n) return '';
  return new Date(Number(ms) - 1).toISOString().slice(0, 10);
}
