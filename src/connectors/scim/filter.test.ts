import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eqFilter, isFragile, queryString, safePrefix, sameName } from './filter.js';

describe('SCIM filter values', () => {
  it('are JSON strings: quotes, backslashes and control characters escaped, the rest literal', () => {
    expect(eqFilter('userName', 'a"b\\c')).toBe('userName eq "a\\"b\\\\c"');
    expect(eqFilter('userName', '*)(x')).toBe('userName eq "*)(x"');
    expect(eqFilter('userName', '王小明')).toBe('userName eq "王小明"');
    expect(eqFilter('userName', 'tab\there\n')).toBe('userName eq "tab\\there\\n"');
    expect(eqFilter('displayName', 'x" or userName pr or "')).toBe(
      'displayName eq "x\\" or userName pr or \\""',
    );
  });

  it('round-trip through a JSON parse for any string', () => {
    fc.assert(
      fc.property(fc.string(), (v) => {
        const f = eqFilter('userName', v);
        expect(JSON.parse(f.slice('userName eq '.length))).toBe(v);
      }),
    );
  });

  it('fragile values fall back to the longest safe prefix', () => {
    expect(isFragile('plain name')).toBe(false);
    expect(isFragile('a"b')).toBe(true);
    expect(isFragile('a\\b')).toBe(true);
    expect(isFragile('bell\u0007')).toBe(true);
    expect(safePrefix('a"b\\c')).toBe('a');
    expect(safePrefix('"x')).toBe('');
    expect(safePrefix('plain')).toBe('plain');
  });

  it('names compare case-insensitively', () => {
    expect(sameName('JDoe', 'jdoe')).toBe(true);
    expect(sameName('Zoë', 'ZOË')).toBe(true);
    expect(sameName('a', 'b')).toBe(false);
  });

  it('query strings escape spaces as %20 and skip undefined values', () => {
    expect(queryString({ filter: 'userName eq "a b"', count: 5, cursor: undefined })).toBe(
      '?filter=userName%20eq%20%22a%20b%22&count=5',
    );
    expect(queryString({})).toBe('');
  });
});
