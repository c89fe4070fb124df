import { describe, expect, it } from 'vitest';
import { isoDate, laterDate, oneOf, text, truthy } from './values.js';

describe('vendor values', () => {
  it('reads scalars as text and names the field of anything else', () => {
    const issues: string[] = [];
    expect([text('a', 'f', issues), text(42, 'f', issues), text(true, 'f', issues)]).toEqual([
      'a',
      '42',
      'true',
    ]);
    expect([text(null, 'f', issues), text(undefined, 'f', issues)]).toEqual([undefined, undefined]);
    expect(text({ value: 'x' }, 'workEmail', issues)).toBeUndefined();
    expect(text([1], 'tags', issues)).toBeUndefined();
    expect(issues).toEqual(['workEmail is object, expected text', 'tags is array, expected text']);
  });

  it('normalises vendor dates, leaving the unreadable for validation to name', () => {
    expect(
      [
        '2026-02-02',
        '2026-02-02-08:00',
        '2026-02-02T10:00:00Z',
        '0000-00-00',
        '',
        '02/02/2026',
      ].map(isoDate),
    ).toEqual(['2026-02-02', '2026-02-02', '2026-02-02', undefined, undefined, '02/02/2026']);
  });

  it('picks the later start date; a malformed one wins so it is reported', () => {
    expect(laterDate('2020-03-02', '2026-01-05')).toBe('2026-01-05');
    expect(laterDate('2020-03-02', undefined)).toBe('2020-03-02');
    expect(laterDate('2020-03-02', 'soon')).toBe('soon');
  });

  it('matches states ignoring case and spaces; reads vendor booleans', () => {
    expect(oneOf(['Leave of Absence'], ' leave OF absence ')).toBe(true);
    expect(oneOf(['Terminated'], '')).toBe(false);
    expect([true, 1, '1', 'Y', 'true'].map(truthy)).toEqual([true, true, true, true, true]);
    expect([false, 0, '0', '', null, 'no'].map(truthy)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
