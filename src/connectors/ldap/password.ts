/** Random initial passwords for new AD accounts: nobody sees them; the user resets at first logon. */
import { randomInt } from 'node:crypto';

const CLASSES = [
  'ABCDEFGHJKLMNPQRSTUVWXYZ',
  'abcdefghijkmnopqrstuvwxyz',
  '23456789',
  '!#$%()*+,-.:;=?@[]^_{}~',
] as const;

/**
 * `length` characters from a CSPRNG with at least one of each class (upper, lower, digit, symbol),
 * so it passes AD's complexity rule whatever the account's name is.
 */
export function randomPassword(length: number): string {
  const all = CLASSES.join('');
  const chars = CLASSES.map((c) => c[randomInt(c.length)]!);
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** The unicodePwd value AD wants: the password in double quotes, UTF-16LE. */
export const unicodePwd = (password: string): Buffer => Buffer.from(`"${password}"`, 'utf16le');
