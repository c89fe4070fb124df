/** RFC 4515 escaping: fixed vectors and properties (no metacharacter left bare). DN escaping: domain/dn.test.ts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eqFilter, escapeFilterValue } from './escape.js';

describe('escapeFilterValue (RFC 4515)', () => {
  it.each([
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['a\\b', 'a\\5cb'],
    ['nul\0', 'nul\\00'],
    ['Zoë 王小明', 'Zoë 王小明'],
  ])('%j -> %j', (raw, escaped) => {
    expect(escapeFilterValue(raw)).toBe(escaped);
  });

  it('leaves no filter metacharacter unescaped', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (v) => {
        expect(/[*()\0]/.test(escapeFilterValue(v))).toBe(false);
      }),
    );
  });

  it('eqFilter refuses an attribute name that could inject', () => {
    expect(eqFilter('uid', '*')).toBe('(uid=\\2a)');
    expect(() => eqFilter('uid=*)(cn', 'x')).toThrow(/bad attribute name/);
  });
});
