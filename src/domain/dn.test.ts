/** DN parsing and formatting: escapes, hex pairs, hostile values round-trip, comparison, relative DNs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeDnValue,
  formatDn,
  normalizeDn,
  parseDn,
  rdnString,
  relativeRdns,
  sameDn,
} from './dn.js';

const HOSTILE = [
  'a+b"c\\<d>;e=f',
  '#hash',
  ' padded ',
  '*)(uid=*',
  'Zoë Ñúñez',
  '王小明',
  "O'Brien, Jr.",
];

describe('parseDn / formatDn', () => {
  it('parses escapes, hex pairs (UTF-8) and multi-valued RDNs', () => {
    expect(parseDn('cn=Smith\\, John+uid=js,ou=Zo\\c3\\ab,dc=example')).toEqual([
      [
        { type: 'cn', value: 'Smith, John' },
        { type: 'uid', value: 'js' },
      ],
      [{ type: 'ou', value: 'Zoë' }],
      [{ type: 'dc', value: 'example' }],
    ]);
  });

  it('drops unescaped trailing spaces and keeps escaped ones', () => {
    expect(parseDn('cn=a  , ou=b\\ ,dc=x')).toEqual([
      [{ type: 'cn', value: 'a' }],
      [{ type: 'ou', value: 'b ' }],
      [{ type: 'dc', value: 'x' }],
    ]);
  });

  it('keeps #hex values as written', () => {
    expect(formatDn(parseDn('1.3.6.1.4.1.1466.0=#04024869,dc=x'))).toBe(
      '1.3.6.1.4.1.1466.0=#04024869,dc=x',
    );
  });

  it.each(HOSTILE)('round-trips the hostile value %j', (v) => {
    const dn = `${rdnString('cn', v)},ou=people,dc=example,dc=com`;
    expect(parseDn(dn)[0]).toEqual([{ type: 'cn', value: v }]);
  });

  it('round-trips any value (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (a, b) => {
        const dn = [
          [{ type: 'cn', value: a }],
          [{ type: 'ou', value: b.replace(/[\uD800-\uDFFF]/g, '') }],
        ];
        expect(parseDn(formatDn(dn))).toEqual(dn);
      }),
    );
  });

  it.each([
    ['cn', /missing "="/],
    ['cn=a,', /missing "="/],
    ['c n=a', /bad attribute type/],
    ['cn=a\\q', /bad escape/],
    ['cn=\\ff\\fe', /not valid UTF-8/],
  ])('refuses %j with a reason', (dn, reason) => {
    expect(() => parseDn(dn)).toThrow(reason);
  });
});

describe('comparison and relative DNs', () => {
  it('compares case-insensitively and ignores escaping style', () => {
    expect(
      sameDn('CN=Jane\\2c Doe,OU=People,DC=Example', 'cn=jane\\, doe,ou=people,dc=example'),
    ).toBe(true);
    expect(normalizeDn('uid=a+cn=b,dc=x')).toBe(normalizeDn('cn=B+uid=A,dc=x'));
    expect(sameDn('cn=a,dc=x', 'cn=b,dc=x')).toBe(false);
  });

  it('computes the part of a DN below a base', () => {
    const base = parseDn('ou=People,dc=example,dc=com');
    expect(formatDn(relativeRdns(parseDn('uid=j,ou=Eng,ou=people,dc=example,dc=com'), base)!)).toBe(
      'uid=j,ou=Eng',
    );
    expect(relativeRdns(parseDn('ou=people,dc=example,dc=com'), base)).toEqual([]);
    expect(relativeRdns(parseDn('uid=j,ou=groups,dc=example,dc=com'), base)).toBeUndefined();
  });
});

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
