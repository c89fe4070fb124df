/** The workspace's Ed25519 audit key: create/load it, sign checkpoints, check their signatures. */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TenureError } from '../domain/errors.js';
import { checkpointMessage, checkpointMessageV1, checkpointMessageV2 } from './chain-hash.js';
import type { AuditCheckpoint, AuditStore } from './types.js';

export const PRIVATE_KEY_FILE = 'audit-signing.key';
export const PUBLIC_KEY_FILE = 'audit-signing.pub';

export type SigningKey = {
  /** First 16 hex digits of SHA-256 over the SPKI DER public key. */
  keyId: string;
  privateKey: KeyObject;
  publicKeyPem: string;
  privateKeyPath: string;
  publicKeyPath: string;
};

export const keyIdOf = (publicKey: KeyObject): string =>
  createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);

const fromPrivate = (dir: string, privateKey: KeyObject): SigningKey => {
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPath: join(dir, PRIVATE_KEY_FILE),
    publicKeyPath: join(dir, PUBLIC_KEY_FILE),
  };
};

/**
 * Creates `audit-signing.key` (PKCS#8 PEM, mode 0600) and `audit-signing.pub` (SPKI PEM) in dir.
 * An existing key is loaded, never replaced: a new key would orphan every earlier checkpoint.
 */
export const createSigningKey = (dir: string): SigningKey => {
  if (existsSync(join(dir, PRIVATE_KEY_FILE))) return loadSigningKey(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const key = fromPrivate(dir, privateKey);
  // 'wx': fail rather than overwrite if another process created the key meanwhile.
  writeFileSync(key.privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
    flag: 'wx',
  });
  writeFileSync(key.publicKeyPath, key.publicKeyPem, { mode: 0o644 });
  return key;
};

export const loadSigningKey = (dir: string): SigningKey => {
  const path = join(dir, PRIVATE_KEY_FILE);
  if (!existsSync(path)) {
    throw new TenureError('audit.no_signing_key', `no audit signing key at ${path}`, { path });
  }
  const privateKey = createPrivateKey(readFileSync(path));
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TenureError('audit.bad_signing_key', `${path} is not an Ed25519 key`, { path });
  }
  return fromPrivate(dir, privateKey);
};

/** A version 2 checkpoint: signs seq, head hash and the previous checkpoint's hash. */
export const signCheckpoint = (
  key: SigningKey,
  seq: number,
  headHash: string,
  ts: string,
  prevCheckpoint: string,
): AuditCheckpoint => ({
  seq,
  head_hash: headHash,
  ts,
  key_id: key.keyId,
  signature: sign(
    null,
    Buffer.from(checkpointMessageV2(seq, headHash, prevCheckpoint)),
    key.privateKey,
  ).toString('base64'),
  prev_checkpoint: prevCheckpoint,
});

/** A version 1 checkpoint, as written before checkpoints were chained: only to build old data. */
export const signCheckpointV1 = (
  key: SigningKey,
  seq: number,
  headHash: string,
  ts: string,
): AuditCheckpoint => ({
  seq,
  head_hash: headHash,
  ts,
  key_id: key.keyId,
  signature: sign(null, Buffer.from(checkpointMessageV1(seq, headHash)), key.privateKey).toString(
    'base64',
  ),
  prev_checkpoint: null,
});

/** Public keys by key id, for checking checkpoints (several after a key rotation). */
export const publicKeysById = (pems: string | readonly string[]): Map<string, KeyObject> =>
  new Map(
    (typeof pems === 'string' ? [pems] : pems).map((pem) => {
      const key = createPublicKey(pem);
      return [keyIdOf(key), key] as const;
    }),
  );

export const checkpointSignatureOk = (cp: AuditCheckpoint, key: KeyObject): boolean => {
  try {
    return verify(
      null,
      Buffer.from(checkpointMessage(cp)),
      key,
      Buffer.from(cp.signature, 'base64'),
    );
  } catch {
    return false;
  }
};

/**
 * Signs the current head as the next link of the checkpoint chain and stores it. Returns
 * undefined on an empty chain, or when the head is already checkpointed.
 */
export const writeCheckpoint = async (
  store: AuditStore,
  key: SigningKey,
  opts: { at?: string } = {},
): Promise<AuditCheckpoint | undefined> => {
  const at = opts.at ?? new Date().toISOString();
  return store.audit.appendCheckpoint((head, prev) =>
    signCheckpoint(key, head.seq, head.hash, at, prev),
  );
};
