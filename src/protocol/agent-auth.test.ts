import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bodyDigest,
  claimedAgentId,
  generateAgentKeyPair,
  signAgentRequest,
  tokenOf,
  toSpkiPem,
  verifyAgentToken,
} from './agent-auth.js';

const keys = generateAgentKeyPair();
const privateKey = createPrivateKey(keys.privateKeyPem);
const now = new Date('2026-11-26T09:00:00Z');
const body = '{"max":10,"wait_seconds":25}';
const sign = (over: Partial<Parameters<typeof signAgentRequest>[0]> = {}) =>
  signAgentRequest({
    agentId: 'agt_1',
    privateKey,
    method: 'post',
    path: '/agent/v1/lease',
    body,
    now,
    ...over,
  });
const verify = async (
  header: string,
  over: Partial<{ method: string; path: string; body: string; now: Date }> = {},
) =>
  verifyAgentToken(tokenOf(header)!, keys.publicKeyPem, {
    method: 'POST',
    path: '/agent/v1/lease',
    body,
    now,
    ...over,
  });

describe('agent request signatures', () => {
  it('round-trips: the claims bind agent, method, path and body digest', async () => {
    const header = await sign({ jti: 'n1' });
    expect(header.startsWith('Agent ')).toBe(true);
    expect(claimedAgentId(tokenOf(header)!)).toBe('agt_1');
    const v = await verify(header);
    expect(v).toEqual({
      ok: true,
      claims: {
        sub: 'agt_1',
        iat: now.getTime() / 1000,
        exp: now.getTime() / 1000 + 60,
        jti: 'n1',
        htm: 'POST',
        htu: '/agent/v1/lease',
        bd: bodyDigest(body),
      },
    });
  });

  it('refuses another key, another request, an old or long-lived token', async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    expect(await verify(await sign({ privateKey: other }))).toMatchObject({
      ok: false,
      reason: 'agent.bad_signature',
    });
    expect(await verify(await sign(), { body: `${body} ` })).toMatchObject({
      reason: 'agent.binding_mismatch',
    });
    expect(await verify(await sign(), { path: '/agent/v1/result' })).toMatchObject({
      reason: 'agent.binding_mismatch',
    });
    expect(await verify(await sign(), { method: 'GET' })).toMatchObject({
      reason: 'agent.binding_mismatch',
    });
    expect(await verify(await sign(), { now: new Date('2026-11-26T09:01:31Z') })).toMatchObject({
      reason: 'agent.expired',
    });
    expect(await verify(await sign({ lifetimeSeconds: 61 }))).toMatchObject({
      reason: 'agent.expired',
    });
  });

  it('reads only the Agent scheme, and normalises JWK keys to SPKI PEM', () => {
    expect(tokenOf('Bearer x')).toBeUndefined();
    expect(tokenOf('Agent a b')).toBeUndefined();
    expect(tokenOf(undefined)).toBeUndefined();
    expect(claimedAgentId('not.a.jwt')).toBeUndefined();
    const jwk = createPrivateKey(keys.privateKeyPem).export({ format: 'jwk' });
    const { d: _private, ...pub } = jwk;
    expect(toSpkiPem(pub)).toBe(keys.publicKeyPem);
    expect(() =>
      toSpkiPem(
        generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      ),
    ).toThrow(/Ed25519/);
  });
});
