/** Signs the audit head with the workspace key after work that changed the trail, and anchors it. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadSigningKey, PRIVATE_KEY_FILE, writeCheckpoint } from '../../audit/signing-key.js';
import type { Workspace } from '../workspace.js';
import { anchorCheckpoint } from './anchors.js';

export async function checkpoint(ws: Workspace): Promise<boolean> {
  // Refusal counts of minutes that are over join the chain first, so this checkpoint signs them.
  await ws.store.audit.flushRefusals(ws.clock().toISOString());
  if (!existsSync(join(ws.stateDir, PRIVATE_KEY_FILE))) {
    ws.log.warn(
      { dir: ws.stateDir },
      'no audit signing key: checkpoint skipped (run "tenure init")',
    );
    return false;
  }
  const cp = await writeCheckpoint(ws.store, loadSigningKey(ws.stateDir), {
    at: ws.clock().toISOString(),
  });
  if (cp) await anchorCheckpoint(ws, cp);
  return true;
}
