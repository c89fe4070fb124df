/** Initial AD passwords: length, character classes, uniqueness; unicodePwd encoding. */
import { describe, expect, it } from 'vitest';
import { randomPassword, unicodePwd } from './password.js';

describe('randomPassword', () => {
  it('has the length asked and every character class', () => {
    for (let i = 0; i < 200; i++) {
      const p = randomPassword(16);
      expect(p).toHaveLength(16);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[0-9]/);
      expect(p).toMatch(/[^A-Za-z0-9]/);
    }
    expect(new Set(Array.from({ length: 100 }, () => randomPassword(24))).size).toBe(100);
  });

  it('encodes unicodePwd as quoted UTF-16LE', () => {
    expect(unicodePwd('Ab1!').toString('hex')).toBe('220041006200310021002200');
  });
});
