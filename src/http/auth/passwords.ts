/**
 * Local passwords: scrypt (node:crypto) with per-password salt, parameters stored in the hash so
 * they can be raised later. N=2^15, r=8, p=3 is one of OWASP's equivalent recommendations.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#scrypt
 */
import { randomBytes, type ScryptOptions, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { TenureError } from '../../domain/errors.js';
import { MIN_PASSWORD_SCORE, passwordStrength } from './password-strength.js';

const LOG_N = 15;
const R = 8;
const P = 3;
const KEY_LENGTH = 32;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

const scrypt = (password: string, salt: Buffer, n: number, r: number, p: number) =>
  new Promise<Buffer>((resolve, reject) => {
    const opts: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
    scryptCb(password.normalize('NFC'), salt, KEY_LENGTH, opts, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });

/** `scrypt$<log2 N>$<r>$<p>$<salt base64>$<key base64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 2 ** LOG_N, R, P);
  return ['scrypt', LOG_N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!(logN >= 10 && logN <= 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  const expected = Buffer.from(parts[5]!, 'base64');
  const key = await scrypt(password, Buffer.from(parts[4]!, 'base64'), 2 ** logN, r, p);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummy: Promise<string> | undefined;
/**
 * A hash to verify against when the user does not exist, so "no such user" takes as long as
 * "wrong password" and timing does not reveal which usernames exist.
 */
export const dummyHash = (): Promise<string> =>
  (dummy ??= hashPassword(randomBytes(16).toString('hex')));

/** 24 characters from 144 random bits; shown once to whoever created the user. */
export const generatePassword = (): string => randomBytes(18).toString('base64url');

/**
 * Length bounds, then strength: a zxcvbn score below MIN_PASSWORD_SCORE is refused with its
 * feedback. `userInputs` (username, name, e-mail) make passwords built from them weak.
 */
export function checkPasswordPolicy(password: string, userInputs: string[] = []): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new TenureError(
      'user.weak_password',
      `the password must have at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new TenureError(
      'user.weak_password',
      `the password must have at most ${MAX_PASSWORD_LENGTH} characters`,
    );
  const strength = passwordStrength(password, userInputs);
  if (strength.score < MIN_PASSWORD_SCORE) {
    const why = [strength.warning, ...strength.suggestions].filter(Boolean).join('; ');
    throw new TenureError(
      'user.weak_password',
      `the password is too easy to guess (strength ${strength.score} of 4, at least ${MIN_PASSWORD_SCORE} needed)${why ? `: ${why}` : ''}`,
      { score: strength.score, warning: strength.warning, suggestions: strength.suggestions },
    );
  }
}
