import { describe, expect, it } from 'vitest';
import {
  checkPasswordPolicy,
  generatePassword,
  hashPassword,
  verifyPassword,
} from './passwords.js';

describe('passwords', () => {
  it('hashes with scrypt and a fresh salt; verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$15\$8\$3\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  });

  it('refuses malformed or absurd stored hashes instead of hanging on them', async () => {
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$30$8$1$c2FsdA==$a2V5')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$15$8$1$c2FsdA==')).toBe(false);
  });

  it('generates 24-character passwords and enforces a minimum length', () => {
    expect(generatePassword()).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(() => checkPasswordPolicy('short')).toThrow(
      expect.objectContaining({ code: 'user.weak_password' }),
    );
    expect(() => checkPasswordPolicy('violet tram ledger 9 quartz')).not.toThrow();
  });

  it('refuses common and low-entropy passwords of any length, saying why', () => {
    for (const weak of [
      'password1234',
      'Password1234!',
      'qwertyuiop12',
      'aaaaaaaaaaaaaaaa',
      'hunter2hunter2',
    ])
      expect(() => checkPasswordPolicy(weak), weak).toThrow(
        expect.objectContaining({
          code: 'user.weak_password',
          message: expect.stringMatching(/too easy to guess .*: \w/),
        }),
      );
    expect(() => checkPasswordPolicy('password1234')).toThrow(
      /similar to a commonly used password/,
    );
  });

  it("a password made of the user's own name or e-mail is weak", () => {
    const pw = 'grace.hopper.1906';
    expect(() => checkPasswordPolicy(pw)).not.toThrow();
    expect(() => checkPasswordPolicy(pw, ['grace.hopper', 'grace.hopper@example.com'])).toThrow(
      /personal data/,
    );
  });

  it('every generated password passes', () => {
    for (let i = 0; i < 50; i++)
      expect(() => checkPasswordPolicy(generatePassword())).not.toThrow();
  });
});
