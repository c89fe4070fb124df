/**
 * Request signatures of the agent protocol: every request after enrollment carries
 * `Authorization: Agent <jwt>`, an EdDSA (Ed25519) JWT signed by the agent's own key, bound to
 * the method, the path and the SHA-256 of the exact body bytes, with a nonce and ≤ 60 s of life.
 * Signing and the stateless half of verification live here so agent, server and tests share them;
 * the server adds the agent lookup and the replay guard.
 * @see https://www.rfc-editor.org/rfc/rfc7519 (JWT) and RFC 8037 (EdDSA in JOSE)
 */
import { createHash, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import type { AgentErrorCode } from './agent-v1.js';

export const AGENT_AUTH_SCHEME = 'Agent';
/** The JWT `typ`: a token of this protocol is never mistaken for another kind of JWT. */
export const AGENT_JWT_TYPE = 'tenure-agent+jwt';
/** `exp - iat` may not exceed this. */
export const MAX_TOKEN_SECONDS = 60;
/** Tolerated clock difference between agent and server (keep both in NTP). */
export const CLOCK_SKEW_SECONDS = 30;

export type AgentClaims = {
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  /** HTTP method, upper case. */
  htm: string;
  /** Request path with query string, e.g. `/agent/v1/lease`. */
  htu: string;
  /** base64url SHA-256 of the raw body bytes (of the empty string for no body). */
  bd: string;
};

/** base64url(SHA-256(body)): the `bd` claim. */
export const bodyDigest = (body: string | Uint8Array): string =>
  createHash('sha256').update(body).digest('base64url');

export type SignOptions = {
  agentId: string;
  /** A KeyObject from `createPrivateKey(pem)` (or a WebCrypto key). */
  privateKey: Parameters<SignJWT['sign']>[0];
  method: string;
  path: string;
  /** The exact bytes sent: sign what you send, send what you signed. */
  body: string | Uint8Array;
  now?: Date;
  /** Default 60 (the maximum). */
  lifetimeSeconds?: number;
  /** Default a random UUID; tests fix it to replay. */
  jti?: string;
};

/** The `Authorization` header value for one request: `Agent <jwt>`. */
export async function signAgentRequest(o: SignOptions): Promise<string> {
  const iat = Math.floor((o.now ?? new Date()).getTime() / 1000);
  const jwt = await new SignJWT({
    htm: o.method.toUpperCase(),
    htu: o.path,
    bd: bodyDigest(o.body),
  })
    .setProtectedHeader({ alg: 'EdDSA', typ: AGENT_JWT_TYPE })
    .setSubject(o.agentId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (o.lifetimeSeconds ?? MAX_TOKEN_SECONDS))
    .setJti(o.jti ?? randomUUID())
    .sign(o.privateKey);
  return `${AGENT_AUTH_SCHEME} ${jwt}`;
}

/** A fresh Ed25519 key pair, PEM-encoded (PKCS#8 private, SPKI public). */
export function generateAgentKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** An enrollment's `public_key` (SPKI PEM or OKP JWK) as SPKI PEM; throws unless it is Ed25519. */
export function toSpkiPem(key: string | Record<string, unknown>): string {
  const k =
    typeof key === 'string' ? createPublicKey(key) : createPublicKey({ key, format: 'jwk' });
  if (k.asymmetricKeyType !== 'ed25519') throw new Error('the public key must be Ed25519');
  return k.export({ type: 'spki', format: 'pem' }).toString();
}

export type Verified =
  | { ok: true; claims: AgentClaims }
  | { ok: false; reason: AgentErrorCode; message: string };

const refuse = (reason: AgentErrorCode, message: string): Verified => ({
  ok: false,
  reason,
  message,
});

/** The token of an `Authorization: Agent <jwt>` header, or undefined. */
export function tokenOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, token, ...rest] = header.trim().split(/\s+/);
  return scheme === AGENT_AUTH_SCHEME && token && rest.length === 0 ? token : undefined;
}

/** The unverified `sub` (which agent's key to verify with); undefined when not a readable JWT. */
export function claimedAgentId(token: string): string | undefined {
  try {
    const sub = decodeJwt(token).sub;
    return typeof sub === 'string' && sub.length > 0 && sub.length <= 100 ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks signature, type, lifetime and the request binding. The caller has looked the agent up
 * by `claimedAgentId` and still has to refuse a replayed `jti` (remember it until `exp`).
 */
export async function verifyAgentToken(
  token: string,
  publicKeyPem: string,
  expect: { method: string; path: string; body: string | Uint8Array; now: Date },
): Promise<Verified> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return refuse('agent.unauthenticated', 'the Authorization header holds no readable JWT');
  }
  if (header.typ !== AGENT_JWT_TYPE || (header.alg !== 'EdDSA' && header.alg !== 'Ed25519'))
    return refuse('agent.bad_signature', `expected an EdDSA JWT of type ${AGENT_JWT_TYPE}`);
  let payload: Record<string, unknown>;
  try {
    const key = createPublicKey(publicKeyPem);
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['EdDSA', 'Ed25519'],
      typ: AGENT_JWT_TYPE,
      currentDate: expect.now,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['sub', 'iat', 'exp', 'jti'],
    }));
  } catch (e) {
    if (e instanceof errors.JWTExpired)
      return refuse('agent.expired', 'the request token has expired');
    if (e instanceof errors.JWSSignatureVerificationFailed)
      return refuse('agent.bad_signature', 'the signature does not match the agent key');
    return refuse('agent.bad_signature', `invalid request token: ${(e as Error).message}`);
  }
  const c = payload as Partial<AgentClaims>;
  const nowS = expect.now.getTime() / 1000;
  if (typeof c.iat !== 'number' || typeof c.exp !== 'number')
    return refuse('agent.bad_signature', 'iat and exp must be numbers');
  if (c.exp - c.iat > MAX_TOKEN_SECONDS)
    return refuse('agent.expired', `a request token may live ${MAX_TOKEN_SECONDS} s at most`);
  if (c.iat > nowS + CLOCK_SKEW_SECONDS)
    return refuse('agent.expired', 'the request token is issued in the future (check the clock)');
  if (typeof c.jti !== 'string' || c.jti.length === 0 || c.jti.length > 200)
    return refuse('agent.bad_signature', 'jti must be a non-empty string');
  if (c.htm !== expect.method.toUpperCase())
    return refuse(
      'agent.binding_mismatch',
      `signed for method ${String(c.htm)}, sent ${expect.method}`,
    );
  if (c.htu !== expect.path)
    return refuse(
      'agent.binding_mismatch',
      `signed for path ${String(c.htu)}, sent ${expect.path}`,
    );
  if (c.bd !== bodyDigest(expect.body))
    return refuse('agent.binding_mismatch', 'the body does not match its signed digest');
  return { ok: true, claims: c as AgentClaims };
}
