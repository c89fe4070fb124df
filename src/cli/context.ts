/** Per-command wiring: which workspace, who is acting, which clock, how to print. */
import { userInfo } from 'node:os';
import { TenureError } from '../domain/errors.js';
import { openWorkspace, type Workspace } from '../engine/workspace.js';
import { demoClock } from './commands/demo-dir.js';
import { createOut, type Out } from './output.js';

export type GlobalOptions = { workspace?: string; as?: string; json?: boolean };

/**
 * TENURE_NOW pins the clock (demos, tests of scheduled leavers); it is never needed in production.
 * Without it, a demo workspace (`workspace`) runs at the clock its demo recorded.
 */
export function cliClock(env = process.env, workspace?: string): () => Date {
  const pinned = env.TENURE_NOW;
  if (!pinned) {
    const demo = workspace === undefined ? undefined : demoClock(workspace);
    return demo ? () => demo : () => new Date();
  }
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
  const dir = workspaceDir(g);
  const ws = await openWorkspace(dir, { clock: cliClock(process.env, dir) });
  try {
    return await fn(ws, createOut(Boolean(g.json)));
  } finally {
    await ws.close();
  }
}
