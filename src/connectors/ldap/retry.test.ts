/** Transient vs permanent LDAP failures, their messages, and retry with backoff. */
import { AlreadyExistsError, BusyError, InsufficientAccessError } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { describeError, isTransient, LdapOpError } from './errors.js';
import { withRetry } from './retry.js';

describe('error classification', () => {
  it('transient: server away, busy, timeouts; permanent: everything the server decided', () => {
    expect(isTransient(new Error('connect ECONNREFUSED 127.0.0.1:389'))).toBe(true);
    expect(isTransient(new Error('Connection closed before message response was received'))).toBe(
      true,
    );
    expect(isTransient(new Error('AddRequest: Operation timed out'))).toBe(true);
    expect(isTransient(new BusyError('try later'))).toBe(true);
    expect(isTransient(new InsufficientAccessError('no write access'))).toBe(false);
    expect(isTransient(new AlreadyExistsError())).toBe(false);
    expect(isTransient(new LdapOpError('login is empty'))).toBe(false);
  });

  it('names the result, the code, the server text and the DN', () => {
    const e = Object.assign(new InsufficientAccessError('no write access to parent'), {
      dn: 'uid=a,dc=x',
    });
    expect(describeError(e)).toBe(
      'insufficientAccessRights (50): no write access to parent on uid=a,dc=x',
    );
    expect(describeError(new Error('connect ECONNREFUSED 127.0.0.1:1'))).toBe(
      'server unreachable: connect ECONNREFUSED 127.0.0.1:1',
    );
  });
});

describe('withRetry', () => {
  it('retries transient failures with backoff, then gives up with the last error', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      withRetry({ retries: 2, backoffMs: 20 }, async () => {
        calls++;
        throw new Error('socket hang up');
      }),
    ).rejects.toThrow('socket hang up');
    expect(calls).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25); // 10-20 ms + 20-40 ms
  });

  it('does not retry permanent failures, and returns what a later attempt returns', async () => {
    let calls = 0;
    await expect(
      withRetry({ retries: 5, backoffMs: 1 }, async () => {
        calls++;
        throw new InsufficientAccessError();
      }),
    ).rejects.toBeInstanceOf(InsufficientAccessError);
    expect(calls).toBe(1);
    expect(
      await withRetry({ retries: 3, backoffMs: 1 }, async (n) => {
        if (n < 2) throw new Error('ECONNRESET');
        return n;
      }),
    ).toBe(2);
  });
});
