/** Random secrets and their at-rest form: session ids, CSRF tokens and API tokens. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe. */
export const randomSecret = (): string => randomBytes(32).toString('base64url');

/** High-entropy secrets need no slow hash: SHA-256 makes a stolen table useless for sign-in. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

export const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};
