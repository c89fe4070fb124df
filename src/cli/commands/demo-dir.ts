/**
 * Where `tenure demo` / `serve --demo` may write: a new or empty directory, or one an earlier
 * demo made (it carries the demo's marker file). Anything else is refused: resetting the demo
 * deletes `.tenure/` — a real workspace's database and audit signing key.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TenureError } from '../../domain/errors.js';
import { CONFIG_FILE, STATE_DIR } from '../../engine/workspace.js';

export const DEMO_MARKER = '.tenure-demo';

const MARKER_TEXT = `This directory was made by "tenure demo" (or "tenure serve --demo", "npm start").
The next demo into it deletes its .tenure/ (database, audit signing key) and out/, and starts
over. Delete this file to keep the directory: the demo will then refuse to touch it.
`;

/** Throws unless the demo may (re)create itself in `dir` (absolute); says whether it made it. */
export function checkDemoDir(dir: string): 'new' | 'previous_demo' {
  if (!existsSync(dir)) return 'new';
  if (!statSync(dir).isDirectory())
    throw new TenureError('demo.dir_not_empty', `${dir} exists and is not a directory`, { dir });
  if (existsSync(join(dir, DEMO_MARKER))) return 'previous_demo';
  if (existsSync(join(dir, CONFIG_FILE)))
    throw new TenureError(
      'demo.workspace_exists',
      `${dir} holds a Tenure workspace the demo did not create (no ${DEMO_MARKER} in it); the demo would delete its database and audit signing key. Give the demo a new directory (tenure demo <new-dir>), or delete this one yourself if it is an old demo you no longer need`,
      { dir },
    );
  if (readdirSync(dir).length > 0)
    throw new TenureError(
      'demo.dir_not_empty',
      `${dir} is not empty and is not a demo workspace; the demo writes into a new or empty directory, or one an earlier demo made`,
      { dir },
    );
  return 'new';
}

/**
 * Claims `dir` for the demo: checks it, marks it first (so a demo stopped half-way can still be
 * re-run), and clears what a previous demo left in the store and its outputs.
 */
export function claimDemoDir(dir: string): void {
  if (checkDemoDir(dir) === 'previous_demo') {
    for (const d of [STATE_DIR, 'out']) rmSync(join(dir, d), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, DEMO_MARKER), MARKER_TEXT);
}
