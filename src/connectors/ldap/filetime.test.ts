/** accountExpires FILETIME from and to ISO end dates. */
import { describe, expect, it } from 'vitest';
import { endOfDayFileTime, fileTimeToEndDate } from './filetime.js';

describe('accountExpires FILETIME', () => {
  it('expires at the midnight (UTC) after the end date', () => {
    // 2027-01-01T00:00:00Z = 1798761600000 ms since 1970
    expect(endOfDayFileTime('2026-12-31')).toBe(
      (1798761600000n * 10000n + 116444736000000000n).toString(),
    );
  });

  it('round-trips dates, and reads "never" as empty', () => {
    for (const d of ['2026-02-28', '2024-02-29', '1999-12-31', '2038-01-19'])
      expect(fileTimeToEndDate(endOfDayFileTime(d)!)).toBe(d);
    expect(fileTimeToEndDate('0')).toBe('');
    expect(fileTimeToEndDate('9223372036854775807')).toBe('');
  });

  it('refuses what is not a calendar date', () => {
    for (const d of ['2026-02-30', '2026-13-01', '26-01-01', 'tomorrow', ''])
      expect(endOfDayFileTime(d)).toBeUndefined();
  });
});
