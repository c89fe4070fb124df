/** Per-command wiring: which workspace, who is acting, which clock, how to print. */
import { userInfo } from 'node:os';
import { TenureError } from '../domain/errors.js';
import { openWorkspace, type Workspace } from '../engine/workspace.js';
import { createOut, type Out } from './output.js';

export type GlobalOptions = { workspace?: string; as?: string; json?: boolean };

/** TENURE_NOW pins the clock (demos, tests of scheduled leavers); it is never needed in production. */
export function cliClock(env = process.env): () => Date {
  const pinned = env.TENURE_NOW;
  if (!pinned) return () => new Date();
  const at = new Date(pinned);
  if (Number.isNaN(at.getTime()))
    throw new TenureError('cli.bad_now', `TENURE_NOW="${pinned}" is not an ISO timestamp`);
  return () => at;
}

export const workspaceDir = (g: GlobalOptions) =>
  g.workspace ?? process.env.TENURE_WORKSPACE ?? '.';

/** `admin:<name>`: the OS user unless --as says otherwise; recorded on every audited admin action. */
export const adminActor = (g: GlobalOptions) =>
  `admin:${g.as ?? process.env.TENURE_ACTOR ?? userInfo().username}`;

export async function withWorkspace<T>(
  g: GlobalOptions,
  fn: (ws: Workspace, out: Out) => Promise<T>,
): Promise<T> {
  const ws = await openWorkspace(workspaceDir(g), { clock: cliClock() });
  try {
    return await fn(ws, createOut(Boolean(g.json)));
  } finally {
    await ws.close();
  }
}
