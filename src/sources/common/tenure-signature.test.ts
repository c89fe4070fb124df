import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from './tenure-signature.js';

const secret = 'whsec_test_0123456789';
const body = Buffer.from('{"employee_id":"E1","record":{"title":"Lead"}}');
const now = new Date('2026-11-26T09:00:00.000Z');
const t = now.getTime() / 1000;

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('webhook signature', () => {
  it('accepts a good signature and returns its timestamp and value', () => {
    const header = signatureHeader(body, secret, t);
    const hex = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
    expect(header).toBe(`t=${t},v1=${hex}`);
    expect(verifySignature({ header, body, secret, now })).toEqual({
      timestamp: t,
      signature: hex,
    });
  });

  it('accepts any of several v1 values (secret rotation) and upper-case hex', () => {
    const good = signatureHeader(body, secret, t).split('v1=')[1]!;
    const header = `t=${t}, v1=${'0'.repeat(64)}, v1=${good.toUpperCase()}`;
    expect(verifySignature({ header, body, secret, now }).signature).toBe(good);
  });

  it('refuses a forged signature: wrong secret, altered body, altered timestamp', () => {
    expect(
      code(() => verifySignature({ header: signatureHeader(body, 'other', t), body, secret, now })),
    ).toBe('webhook.bad_signature');
    const header = signatureHeader(body, secret, t);
    const altered = Buffer.from(body.toString().replace('Lead', 'CEO'));
    expect(code(() => verifySignature({ header, body: altered, secret, now }))).toBe(
      'webhook.bad_signature',
    );
    const shifted = header.replace(`t=${t}`, `t=${t + 1}`);
    expect(code(() => verifySignature({ header: shifted, body, secret, now }))).toBe(
      'webhook.bad_signature',
    );
  });

  it('refuses a stale or future timestamp outside ±300 s, even when correctly signed', () => {
    for (const offset of [-301, 301, -86_400]) {
      const header = signatureHeader(body, secret, t + offset);
      expect(code(() => verifySignature({ header, body, secret, now }))).toBe('webhook.stale');
    }
    for (const offset of [-300, 300]) {
      const header = signatureHeader(body, secret, t + offset);
      expect(code(() => verifySignature({ header, body, secret, now }))).toBe('ok');
    }
  });

  it('says how far off a stale timestamp is', () => {
    const header = signatureHeader(body, secret, t - 900);
    expect(() => verifySignature({ header, body, secret, now })).toThrow(/900 s old/);
    const future = signatureHeader(body, secret, t + 600);
    expect(() => verifySignature({ header: future, body, secret, now })).toThrow(
      /600 s in the future/,
    );
  });

  it('refuses a missing or malformed header', () => {
    const hex = signatureHeader(body, secret, t).split('v1=')[1]!;
    for (const header of [
      undefined,
      '',
      'garbage',
      `v1=${hex}`,
      `t=${t}`,
      `t=abc,v1=${hex}`,
      `t=${t},v1=xyz`,
      `t=${t},v1=${hex.slice(2)}`,
      `t=${t},v2=${hex}`,
    ]) {
      expect(code(() => verifySignature({ header, body, secret, now }))).toBe(
        'webhook.bad_signature',
      );
    }
  });
});
