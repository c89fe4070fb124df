/**
 * The agent's local state in `state_dir`: its Ed25519 private key (made here, mode 0600, never
 * sent anywhere) and, once enrolled, its agent id. Only the public key leaves the machine.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TenureError } from '../domain/errors.js';

export const KEY_FILE = 'agent-key.pem';
export const STATE_FILE = 'agent.json';

export type AgentKeys = {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM of the public key, as sent at enrollment. */
  publicKeyPem: string;
  /** The public key as a JWK ({ kty: 'OKP', crv: 'Ed25519', x }). */
  publicJwk: { kty: string; crv: string; x: string };
};

const enrolledSchema = z.strictObject({
  agent_id: z.string().min(1),
  site: z.string().min(1),
  server_url: z.string().min(1),
  enrolled_at: z.string(),
});
export type Enrolled = z.infer<typeof enrolledSchema>;

function fromPrivate(privateKey: KeyObject): AgentKeys {
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x },
  };
}

/** Creates the state directory (0700) if needed. */
export function ensureStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** The key in `dir`, made on first use. A key file others can read is refused, as ssh does. */
export function loadOrCreateKeys(dir: string): { keys: AgentKeys; created: boolean } {
  ensureStateDir(dir);
  const file = join(dir, KEY_FILE);
  let pem: string | undefined;
  try {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0)
      throw new TenureError(
        'agent.key_permissions',
        `${file} is readable by others (mode ${mode.toString(8)}): chmod 600 it`,
        { file },
      );
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (pem !== undefined) {
    try {
      return { keys: fromPrivate(createPrivateKey(pem)), created: false };
    } catch (e) {
      throw new TenureError('agent.key_invalid', `${file}: ${(e as Error).message}`, { file });
    }
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const text = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeAtomic(file, text);
  return { keys: fromPrivate(privateKey), created: true };
}

export function readEnrolled(dir: string): Enrolled | undefined {
  const file = join(dir, STATE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const parsed = enrolledSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new TenureError('agent.state_invalid', `${file}: ${parsed.error.issues[0]?.message}`, {
      file,
    });
  return parsed.data;
}

export function writeEnrolled(dir: string, e: Enrolled): void {
  writeAtomic(join(dir, STATE_FILE), `${JSON.stringify(e, null, 2)}\n`);
}

/** Written beside the target with mode 0600, then renamed: never a half-written key. */
function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
