/** RFC 4514 / RFC 4515 escaping: fixed vectors and properties (no separator or metacharacter left bare). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eqFilter, escapeDnValue, escapeFilterValue } from './escape.js';

describe('escapeDnValue (RFC 4514)', () => {
  it.each([
    ['a+b"c\\<d>;e=f', 'a\\+b\\"c\\5c\\<d\\>\\;e\\=f'],
    ['#hash', '\\#hash'],
    ['in#side', 'in#side'],
    [' padded ', '\\ padded\\ '],
    [' ', '\\ '],
    ['  ', '\\ \\ '],
    ['Smith, John', 'Smith\\, John'],
    ['*)(uid=*', '*)(uid\\=*'],
    ['Zoë', 'Zoë'],
    ['王小明', '王小明'],
    ['nul\0cr\rlf\n', 'nul\\00cr\\0dlf\\0a'],
    ['back\\', 'back\\5c'],
  ])('%j -> %j', (raw, escaped) => {
    expect(escapeDnValue(raw)).toBe(escaped);
  });

  it('never leaves a separator unescaped', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (v) => {
        const s = escapeDnValue(v);
        // every , + ; < > " = is preceded by a backslash that is itself not escaped
        expect(/(^|[^\\])(\\\\)*[,+;<>"=]/.test(s)).toBe(false);
      }),
    );
  });
});

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
