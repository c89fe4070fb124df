/** Calendar math in the organisation's time zone (Intl only): local day boundaries and local dates. */
import { TenureError } from './errors.js';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HOUR_MS = 3_600_000;
/** Offsets on Earth stay within -12 h..+14 h; 36 h either side of UTC midnight brackets any local day. */
const SEARCH_WINDOW_MS = 36 * HOUR_MS;
const CACHE_LIMIT = 50_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Time zone → date → epoch ms: planning asks for the same few thousand dates millions of times. */
const dayStarts = new Map<string, Map<string, number>>();
const dayEnds = new Map<string, Map<string, number>>();

/** The date → ms cache of `tz` in `cache` (one Map per zone; planning uses one zone). */
function datesOf(cache: Map<string, Map<string, number>>, tz: string): Map<string, number> {
  let byDate = cache.get(tz);
  if (byDate === undefined) cache.set(tz, (byDate = new Map()));
  return byDate;
}

function remember(byDate: Map<string, number>, date: string, ms: number): number {
  if (byDate.size >= CACHE_LIMIT) byDate.clear();
  byDate.set(date, ms);
  return ms;
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new TenureError('calendar.invalid_time_zone', `"${tz}" is not an IANA time zone`, {
        timeZone: tz,
      });
    }
    formatters.set(tz, f);
  }
  return f;
}

type Wall = { y: number; mo: number; d: number; h: number; mi: number; s: number };

function wall(ms: number, tz: string): Wall {
  const w: Wall = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0 };
  for (const p of formatter(tz).formatToParts(ms)) {
    if (p.type === 'year') w.y = Number(p.value);
    else if (p.type === 'month') w.mo = Number(p.value);
    else if (p.type === 'day') w.d = Number(p.value);
    else if (p.type === 'hour') w.h = Number(p.value) % 24;
    else if (p.type === 'minute') w.mi = Number(p.value);
    else if (p.type === 'second') w.s = Number(p.value);
  }
  return w;
}

const pad = (n: number, len: number): string => String(n).padStart(len, '0');
const isoDate = (y: number, mo: number, d: number): string =>
  `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;

/** UTC milliseconds of `y-mo-d h:mi:s` read as if it were UTC (years < 100 included). */
function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d);
  dt.setUTCHours(h, mi, s, 0);
  return dt.getTime();
}

function parseDate(date: string): { y: number; mo: number; d: number } {
  const m = DATE_RE.exec(date);
  if (m !== null) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const back = new Date(utcMs(y, mo, d));
    if (back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) return { y, mo, d };
  }
  throw new TenureError('calendar.invalid_date', `"${date}" is not a calendar date (YYYY-MM-DD)`, {
    date,
  });
}

/** Local wall clock minus UTC, in ms, at `ms` (second precision, like every tz database offset). */
function offsetAt(ms: number, tz: string): number {
  const w = wall(ms, tz);
  return utcMs(w.y, w.mo, w.d, w.h, w.mi, w.s) - Math.floor(ms / 1000) * 1000;
}

function localDateMs(ms: number, tz: string): string {
  const w = wall(ms, tz);
  return isoDate(w.y, w.mo, w.d);
}

/** The calendar date (`YYYY-MM-DD`) of `instant` on the wall clocks of `tz`. */
export function localDate(instant: Date, tz: string): string {
  return localDateMs(instant.getTime(), tz);
}

/** `date` plus `n` calendar days (n may be negative). */
export function addDays(date: string, n: number): string {
  const { y, mo, d } = parseDate(date);
  const dt = new Date(utcMs(y, mo, d));
  dt.setUTCDate(dt.getUTCDate() + n);
  return isoDate(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
}

/**
 * The first instant whose local date in `tz` is `date` or later. Usually local midnight; when
 * midnight falls in a DST gap it is the end of the gap, and for a day a zone skipped entirely
 * (Pacific/Kiritimati 1994-12-31) it is the start of the next day that exists.
 */
export function startOfLocalDay(date: string, tz: string): Date {
  return new Date(startOfLocalDayMs(date, tz));
}

/** `startOfLocalDay` in epoch milliseconds. */
export function startOfLocalDayMs(date: string, tz: string): number {
  // No closure per call: effective status asks this for every identity, several times.
  const byDate = datesOf(dayStarts, tz);
  return byDate.get(date) ?? remember(byDate, date, computeDayStart(date, tz));
}

function computeDayStart(date: string, tz: string): number {
  const { y, mo, d } = parseDate(date);
  const base = utcMs(y, mo, d);
  // Fixed point of t = base - offset(t): lands on local midnight unless midnight doesn't exist.
  let t = base - offsetAt(base, tz);
  t = base - offsetAt(t, tz);
  if (!(localDateMs(t, tz) === date && localDateMs(t - 1, tz) < date)) {
    // Gap at midnight or a skipped day: the smallest t with localDate(t) >= date.
    let lo = base - SEARCH_WINDOW_MS; // local date is before `date` here
    let hi = base + SEARCH_WINDOW_MS; // ...and after it here
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (localDateMs(mid, tz) >= date) hi = mid;
      else lo = mid;
    }
    t = hi;
  }
  return t;
}

/** The instant the local day after `date` begins: a leaver whose end date is `date` goes then. */
export function endOfLocalDay(date: string, tz: string): Date {
  return new Date(endOfLocalDayMs(date, tz));
}

/** `endOfLocalDay` in epoch milliseconds. */
export function endOfLocalDayMs(date: string, tz: string): number {
  const byDate = datesOf(dayEnds, tz);
  return byDate.get(date) ?? remember(byDate, date, startOfLocalDayMs(addDays(date, 1), tz));
}
