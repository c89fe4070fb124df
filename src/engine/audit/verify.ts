/** `audit verify` for a workspace (CLI and API alike): the key, the anchors, then the walk. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC_KEY_FILE } from '../../audit/signing-key.js';
import { verifyAudit } from '../../audit/verify.js';
import type { VerifyResult } from '../../audit/verify-result.js';
import { TenureError } from '../../domain/errors.js';
import type { Workspace } from '../workspace.js';
import { readAnchors } from './anchors.js';

export type WorkspaceVerifyResult = VerifyResult & {
  /** What was not compared and why (no head file, no witness): read them before trusting ok. */
  notes: string[];
};

/**
 * Signatures are checked with `publicKeyFile` (default `.tenure/audit-signing.pub`); when it is
 * missing the answer says `signatures: "not_checked"` with the path, never a bare ok. Every
 * anchor (head file, witness file) must be found, unchanged, in the database; an unreadable one
 * fails the verification like any other tampering.
 */
export async function verifyWorkspaceAudit(
  ws: Workspace,
  opts: { publicKeyFile?: string } = {},
): Promise<WorkspaceVerifyResult> {
  const keyFile = opts.publicKeyFile ?? join(ws.stateDir, PUBLIC_KEY_FILE);
  // A key asked for by name is bad input when missing; the default one is reported not_checked.
  if (opts.publicKeyFile !== undefined && !existsSync(keyFile))
    throw new TenureError('audit.no_public_key', `--public-key ${keyFile}: no such file`, {
      path: keyFile,
    });
  const publicKeyPem = existsSync(keyFile) ? readFileSync(keyFile, 'utf8') : undefined;
  const { anchors, problems, notes } = readAnchors(ws);
  const result = await verifyAudit(ws.store, {
    publicKeyPem,
    noKeyReason: `public key ${keyFile} not found`,
    anchors,
  });
  const problem = problems[0];
  if (problem && result.ok) {
    return {
      ok: false,
      events: result.events,
      first_bad_seq: 0,
      reason: problem.reason,
      ...signatureFields(result),
      notes,
    };
  }
  return { ...result, notes };
}

const signatureFields = (r: VerifyResult) =>
  r.signatures === 'verified'
    ? { signatures: 'verified' as const }
    : { signatures: 'not_checked' as const, signatures_reason: r.signatures_reason };
