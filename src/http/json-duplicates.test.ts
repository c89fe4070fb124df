import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from './json-duplicates.js';

describe('findDuplicateKey', () => {
  it('finds a repeated key at the top level', () => {
    expect(findDuplicateKey('{"role":"requester","role":"admin"}')).toEqual({
      key: 'role',
      path: 'role',
    });
  });

  it('compares decoded keys: an escape is the same key', () => {
    expect(findDuplicateKey('{"role":1, "r\\u006fle":2}')?.key).toBe('role');
    expect(findDuplicateKey('{"a\\"b":1,"a\\"b":2}')?.key).toBe('a"b');
  });

  it('names the path inside nested objects and arrays', () => {
    expect(findDuplicateKey('{"items":[{"a":1},{"b":1,"b":2}]}')).toEqual({
      key: 'b',
      path: 'items[1].b',
    });
    expect(findDuplicateKey('{"x":{"y":{"z":1,"z":2}}}')?.path).toBe('x.y.z');
    expect(findDuplicateKey('[[1,2],{"k k":0,"k k":1}]')?.path).toBe('[1]["k k"]');
  });

  it('allows the same key in different objects, and keys as string values', () => {
    expect(findDuplicateKey('{"a":{"id":1},"b":{"id":2},"id":3}')).toBeNull();
    expect(findDuplicateKey('{"a":"a","b":["a","a"],"c":"}{,[]:"}')).toBeNull();
    expect(findDuplicateKey('{"a" : 1 ,\n "b"\t:\r2}')).toBeNull();
    expect(findDuplicateKey('[]')).toBeNull();
    expect(findDuplicateKey('"just a string"')).toBeNull();
    expect(findDuplicateKey('{}')).toBeNull();
  });

  it('a string value followed by a colon-looking string is not a key', () => {
    expect(findDuplicateKey('{"a":"b","c":":"}')).toBeNull();
    expect(findDuplicateKey('{"a":"x\\\\","a":1}')?.key).toBe('a');
  });

  it('agrees with JSON.parse on random objects with and without a duplicate', () => {
    for (let n = 0; n < 200; n++) {
      const keys = Array.from({ length: 1 + (n % 7) }, (_, i) => `k${(i * 7 + n) % 5}`);
      const text = `{${keys.map((k, i) => `"${k}":[${i},{"${k}":"${k}"}]`).join(',')}}`;
      const hasDuplicate = new Set(keys).size !== keys.length;
      expect(findDuplicateKey(text) !== null).toBe(hasDuplicate);
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });
});
