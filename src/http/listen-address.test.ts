/** Listen errors an operator can fix become coded errors naming the address; others pass through. */
import { describe, expect, it } from 'vitest';
import { isTenureError } from '../domain/errors.js';
import { listenError } from './listen-address.js';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('listenError', () => {
  it.each([
    ['EADDRINUSE', 'serve.port_in_use', /already in use/],
    ['EACCES', 'serve.port_denied', /permission denied/],
    ['EADDRNOTAVAIL', 'serve.address_unavailable', /not an address of this machine/],
  ])('%s → %s naming the address', (code, expected, message) => {
    const e = listenError(errno(code), '::1', 80);
    expect(isTenureError(e) && e.code).toBe(expected);
    expect((e as Error).message).toMatch(/^cannot listen on \[::1\]:80: /);
    expect((e as Error).message).toMatch(message);
  });

  it('passes any other error through unchanged', () => {
    const other = errno('EMFILE');
    expect(listenError(other, '127.0.0.1', 8080)).toBe(other);
  });
});
