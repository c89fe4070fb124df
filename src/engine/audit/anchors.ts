/**
 * After a checkpoint: anchor it outside the database — the head file in the state dir and the
 * configured witnesses (append-only file, webhook, syslog). Before a verify: read them back.
 * A failed anchor never undoes the checkpoint (it is in the database); it is logged loudly.
 */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type AnchorRead,
  appendWitnessFile,
  HEAD_FILE,
  readHeadFile,
  readWitnessFile,
  writeHeadFile,
} from '../../audit/anchor-files.js';
import { headRecord } from '../../audit/checkpoint-record.js';
import { resolveSecret } from '../../config/load-config.js';
import { SIGNATURE_HEADER, signatureHeader } from '../../sources/common/tenure-signature.js';
import type { AuditCheckpoint } from '../../store/types.js';
import type { Workspace } from '../workspace.js';

export const headFilePath = (ws: Workspace) => join(ws.stateDir, HEAD_FILE);
const witnessFilePath = (ws: Workspace) => {
  const file = ws.config.audit.witness.file;
  return file === undefined ? undefined : resolve(ws.dir, file);
};

export async function anchorCheckpoint(ws: Workspace, cp: AuditCheckpoint): Promise<void> {
  const witness = ws.config.audit.witness;
  const attempt = async (what: string, fn: () => unknown) => {
    try {
      await fn();
    } catch (err) {
      ws.log.error({ err, seq: cp.seq }, `audit checkpoint not anchored in the ${what}`);
    }
  };
  await attempt('head file', () => writeHeadFile(headFilePath(ws), cp));
  const file = witnessFilePath(ws);
  if (file) await attempt('witness file', () => appendWitnessFile(file, cp));
  const body = JSON.stringify({ ...headRecord(cp), organisation: ws.config.organisation.name });
  if (witness.webhook) {
    const hook = witness.webhook;
    await attempt('witness webhook', () => postWitness(ws, hook, body));
  }
  if (witness.syslog) {
    const to = witness.syslog;
    await attempt('witness syslog', () => sendSyslog(to, ws.clock(), body));
  }
}

type WebhookWitness = NonNullable<Workspace['config']['audit']['witness']['webhook']>;

async function postWitness(ws: Workspace, hook: WebhookWitness, body: string): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (hook.secret) {
    const secret = resolveSecret(hook.secret);
    headers[SIGNATURE_HEADER] = signatureHeader(body, secret, ws.clock().getTime() / 1000);
  }
  const res = await fetch(hook.url, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(hook.timeout_seconds * 1000),
  });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`${hook.url} answered ${res.status}`);
}

/**
 * RFC 5424 over UDP: PRI 110 = facility 13 (log audit) * 8 + severity 6 (informational).
 * @see https://www.rfc-editor.org/rfc/rfc5424
 */
export const syslogMessage = (at: Date, body: string) =>
  `<110>1 ${at.toISOString()} ${hostname() || '-'} tenure ${process.pid} audit.checkpoint - ${body}`;

function sendSyslog(to: { host: string; port: number }, at: Date, body: string): Promise<void> {
  const socket = createSocket(isIP(to.host) === 6 ? 'udp6' : 'udp4');
  return new Promise((res, rej) =>
    socket.send(syslogMessage(at, body), to.port, to.host, (err) => {
      socket.close();
      if (err) rej(err);
      else res();
    }),
  );
}

/** The head file and the witness file, if configured, read back as anchors for verify. */
export function readAnchors(ws: Workspace): AnchorRead & { notes: string[] } {
  const head = readHeadFile(headFilePath(ws));
  const file = witnessFilePath(ws);
  const witness = file ? readWitnessFile(file) : { anchors: [], problems: [] };
  const notes: string[] = [];
  if (head.anchors.length === 0 && head.problems.length === 0)
    notes.push(
      `no head file at ${headFilePath(ws)}: no checkpoint was anchored from this state dir`,
    );
  if (file === undefined)
    notes.push(
      'no witness configured (tenure.yaml audit.witness): the anchors live beside the database',
    );
  else if (witness.anchors.length === 0 && witness.problems.length === 0)
    notes.push(`witness file ${file} is missing or empty`);
  return {
    anchors: [...head.anchors, ...witness.anchors],
    problems: [...head.problems, ...witness.problems],
    notes,
  };
}
