/** Tests: local day boundaries across DST, skipped days and odd offsets. */
import { describe, expect, it } from 'vitest';
import { addDays, endOfLocalDay, localDate, startOfLocalDay } from './calendar.js';

const iso = (d: Date): string => d.toISOString();

describe('startOfLocalDay / endOfLocalDay', () => {
  it.each([
    // zone, date, start, end (the next local day's start)
    ['Europe/Paris', '2024-01-15', '2024-01-14T23:00:00.000Z', '2024-01-15T23:00:00.000Z'],
    // spring forward 02:00 -> 03:00: a 23-hour day
    ['Europe/Paris', '2024-03-31', '2024-03-30T23:00:00.000Z', '2024-03-31T22:00:00.000Z'],
    // fall back 03:00 -> 02:00: a 25-hour day
    ['Europe/Paris', '2024-10-27', '2024-10-26T22:00:00.000Z', '2024-10-27T23:00:00.000Z'],
    ['Asia/Tokyo', '2024-01-01', '2023-12-31T15:00:00.000Z', '2024-01-01T15:00:00.000Z'],
    ['America/Los_Angeles', '2024-03-10', '2024-03-10T08:00:00.000Z', '2024-03-11T07:00:00.000Z'],
    ['America/Los_Angeles', '2024-11-03', '2024-11-03T07:00:00.000Z', '2024-11-04T08:00:00.000Z'],
    ['Pacific/Kiritimati', '2024-06-01', '2024-05-31T10:00:00.000Z', '2024-06-01T10:00:00.000Z'],
    ['UTC', '2024-02-29', '2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
  ])('%s %s', (tz, date, start, end) => {
    expect(iso(startOfLocalDay(date, tz))).toBe(start);
    expect(iso(endOfLocalDay(date, tz))).toBe(end);
    expect(localDate(startOfLocalDay(date, tz), tz)).toBe(date);
    expect(localDate(new Date(endOfLocalDay(date, tz).getTime() - 1), tz)).toBe(date);
  });

  it('midnight inside a DST gap: the day starts when the gap ends (America/Santiago)', () => {
    // 2024-09-08 00:00 -04 jumped to 01:00 -03.
    const start = startOfLocalDay('2024-09-08', 'America/Santiago');
    expect(iso(start)).toBe('2024-09-08T04:00:00.000Z');
    expect(localDate(new Date(start.getTime() - 1), 'America/Santiago')).toBe('2024-09-07');
  });

  it('a day the zone skipped begins with the next day (Kiritimati 1994-12-31)', () => {
    const next = iso(startOfLocalDay('1995-01-01', 'Pacific/Kiritimati'));
    expect(next).toBe('1994-12-31T10:00:00.000Z');
    expect(iso(startOfLocalDay('1994-12-31', 'Pacific/Kiritimati'))).toBe(next);
    expect(iso(endOfLocalDay('1994-12-30', 'Pacific/Kiritimati'))).toBe(next);
  });

  it('rejects bad dates and zones with codes', () => {
    expect(() => startOfLocalDay('2024-02-30', 'UTC')).toThrow(
      expect.objectContaining({ code: 'calendar.invalid_date' }),
    );
    expect(() => startOfLocalDay('2024-1-1', 'UTC')).toThrow(/calendar date/);
    expect(() => startOfLocalDay('2024-01-01', 'Mars/Olympus')).toThrow(
      expect.objectContaining({ code: 'calendar.invalid_time_zone' }),
    );
  });
});

describe('localDate / addDays', () => {
  it('reads the wall-clock date', () => {
    const t = new Date('2024-06-30T22:30:00Z');
    expect(localDate(t, 'Europe/Paris')).toBe('2024-07-01');
    expect(localDate(t, 'America/Los_Angeles')).toBe('2024-06-30');
    expect(localDate(t, 'Pacific/Kiritimati')).toBe('2024-07-01');
  });

  it('adds calendar days across months, leap years and DST', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-03-30', 1)).toBe('2024-03-31');
    expect(addDays('2024-01-02', -3)).toBe('2023-12-30');
    expect(addDays('2024-12-31', 0)).toBe('2024-12-31');
  });
});
