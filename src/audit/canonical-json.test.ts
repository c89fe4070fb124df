/** canonicalJson: sorted keys at every level, JSON.stringify semantics otherwise. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, flatObjectJson, walkedJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"e":2,"f":1}]},"b":1}',
    );
  });

  it('sorts by UTF-16 code unit, integer-like keys included (unlike JS property order)', () => {
    expect(canonicalJson({ b: 1, 10: 2, 9: 3, B: 4, é: 5 })).toBe(
      '{"10":2,"9":3,"B":4,"b":1,"é":5}',
    );
  });

  it('follows JSON.stringify for undefined, non-finite numbers, toJSON and escapes', () => {
    expect(
      canonicalJson({ a: undefined, b: [undefined, Number.NaN, () => 1], c: new Date(0) }),
    ).toBe('{"b":[null,null,null],"c":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalJson('line\n"q"\u2028')).toBe(JSON.stringify('line\n"q"\u2028'));
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson(-0)).toBe('0');
  });

  it('rejects cycles and BigInt with a TenureError', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(
      expect.objectContaining({ code: 'audit.invalid_details' }),
    );
    expect(() => canonicalJson({ n: 1n })).toThrow(
      expect.objectContaining({ code: 'audit.invalid_details' }),
    );
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('round-trips to the same value and is independent of key insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        const shuffled = JSON.parse(JSON.stringify(value), (_k, v) =>
          v && typeof v === 'object' && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).reverse())
            : v,
        );
        expect(canonicalJson(shuffled)).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  describe('the flat-object fast path', () => {
    const primitive = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.double(), // NaN, ±Infinity and -0 included
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
    );
    const key = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.nat().map(String),
      fc.constant('toJSON'),
    );

    it('writes every flat object exactly as the general walk does', () => {
      fc.assert(
        fc.property(fc.dictionary(key, primitive), fc.boolean(), (dict, nullProto) => {
          const value = nullProto ? Object.assign(Object.create(null), dict) : dict;
          expect(flatObjectJson(value)).toBe(walkedJson(value));
          expect(canonicalJson(value)).toBe(walkedJson(value));
        }),
      );
    });

    it('declines anything else, which the walk then writes', () => {
      fc.assert(
        fc.property(
          fc.anything({ withDate: true, withMap: true, withNullPrototype: true }),
          (v) => {
            const fast = flatObjectJson(v);
            if (fast !== undefined) expect(fast).toBe(walkedJson(v));
            expect(canonicalJson(v)).toBe(walkedJson(v));
          },
        ),
      );
      for (const v of [
        { a: { b: 1 } },
        { a: [1] },
        { a: () => 1 },
        { toJSON: () => 1 },
        new Date(0),
        [1],
        'x',
        1,
        null,
      ])
        expect(flatObjectJson(v)).toBeUndefined();
      expect(canonicalJson({ toJSON: () => ({ b: 2, a: 1 }) })).toBe('{"a":1,"b":2}');
      expect(() => canonicalJson({ n: 1n })).toThrow(
        expect.objectContaining({ code: 'audit.invalid_details' }),
      );
    });
  });
});
