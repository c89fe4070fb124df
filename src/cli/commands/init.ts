/** `tenure init [dir]`: a workspace from the demo template, with its audit signing key. */
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSigningKey } from '../../audit/signing-key.js';
import { TenureError } from '../../domain/errors.js';
import { CONFIG_FILE, STATE_DIR } from '../../engine/workspace.js';

export const TEMPLATE_DIR = fileURLToPath(new URL('../../../examples/demo/', import.meta.url));

export function initWorkspace(
  dirArg: string,
  opts: { force?: boolean } = {},
): { dir: string; publicKey: string } {
  const dir = resolve(dirArg);
  if (existsSync(join(dir, CONFIG_FILE)) && !opts.force) {
    throw new TenureError(
      'workspace.exists',
      `${join(dir, CONFIG_FILE)} already exists (use --force to overwrite it)`,
    );
  }
  mkdirSync(dir, { recursive: true });
  cpSync(join(TEMPLATE_DIR, CONFIG_FILE), join(dir, CONFIG_FILE));
  cpSync(join(TEMPLATE_DIR, 'hr'), join(dir, 'hr'), { recursive: true });
  const state = join(dir, STATE_DIR);
  mkdirSync(state, { recursive: true, mode: 0o700 });
  const key = createSigningKey(state);
  return { dir, publicKey: key.publicKeyPath };
}
