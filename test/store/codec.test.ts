import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { walkedJson as canonicalJson } from '../../src/audit/canonical-json.js';
import { toJson } from '../../src/store/codec.js';

describe('toJson', () => {
  it('writes flat records exactly as canonical JSON does (sorted keys, undefined left out)', () => {
    const value = fc.oneof(
      fc.string(),
      fc.constant(null),
      fc.constant(undefined),
      fc.boolean(),
      fc.double(),
      fc.integer(),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value), (rec) => {
        expect(toJson(rec)).toBe(canonicalJson(rec));
      }),
      { numRuns: 500 },
    );
    // Same keys in another order, integer-like keys (which objects list first), escapes, -0.
    expect(toJson({ b: '1', a: '2' })).toBe('{"a":"2","b":"1"}');
    expect(toJson({ a: 'x', b: 'y' })).toBe('{"a":"x","b":"y"}');
    expect(toJson({ 10: 'a', 9: 'b', x: 'c' })).toBe(canonicalJson({ 10: 'a', 9: 'b', x: 'c' }));
    expect(toJson({ 'é"\n': '\u2028"\\', z: -0, n: Number.NaN })).toBe(
      canonicalJson({ 'é"\n': '\u2028"\\', z: -0, n: Number.NaN }),
    );
  });

  it('leaves nested values, arrays and objects with toJSON to canonical JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(toJson(v)).toBe(canonicalJson(v));
      }),
      { numRuns: 300 },
    );
    const withToJson = { a: '1', toJSON: () => ({ b: 2 }) };
    expect(toJson(withToJson)).toBe('{"b":2}');
    expect(toJson(new Date(0))).toBe(canonicalJson(new Date(0)));
    expect(toJson({ z: { b: 1, a: 2 }, a: [3] })).toBe('{"a":[3],"z":{"a":2,"b":1}}');
  });
});
