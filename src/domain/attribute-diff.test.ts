import { describe, expect, it } from 'vitest';
import { changedAttributes } from './attribute-diff.js';

describe('changedAttributes', () => {
  it('absent, null and empty are one value', () => {
    expect(changedAttributes({ title: '', manager: null }, {})).toEqual([]);
    expect(changedAttributes({ title: 'CTO' }, { title: '' })).toEqual(['title']);
    expect(changedAttributes({ title: '' }, { title: 'CTO' })).toEqual(['title']);
  });

  it('matches names case-insensitively, values exactly', () => {
    expect(
      changedAttributes({ givenname: 'Ann', SN: 'Lee' }, { givenName: 'Ann', sn: 'Lee' }),
    ).toEqual([]);
    expect(changedAttributes({ givenname: 'ann' }, { givenName: 'Ann' })).toEqual(['givenname']);
  });

  it('prefers the exact name, then a spelling that holds a value', () => {
    expect(changedAttributes({ mail: 'a@x' }, { mail: 'a@x', MAIL: 'b@x' })).toEqual([]);
    expect(changedAttributes({ Mail: 'a@x' }, { MAIL: '', mail: 'a@x' })).toEqual([]);
  });

  it('compares two non-empty values with the given rule; empty never equals a value', () => {
    const ignoreCase = (_k: string, a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    expect(changedAttributes({ seeAlso: 'cn=a' }, { seeAlso: 'CN=A' }, ignoreCase)).toEqual([]);
    expect(changedAttributes({ seeAlso: '' }, { seeAlso: 'CN=A' }, () => true)).toEqual([
      'seeAlso',
    ]);
  });
});
