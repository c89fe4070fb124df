/**
 * Where `tenure demo` / `serve --demo` may write: a new or empty directory, or one an earlier
 * demo made (it carries the demo's marker file). Anything else is refused: resetting the demo
 * deletes `.tenure/` — a real workspace's database and audit signing key.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { TenureError } from '../../domain/errors.js';
import { CONFIG_FILE, STATE_DIR } from '../../engine/workspace.js';

export const DEMO_MARKER = '.tenure-demo';

const MARKER_TEXT = `This directory was made by "tenure demo" (or "tenure serve --demo", "npm start").
The next demo into it deletes its .tenure/ (database, audit signing key) and out/, and starts
over. Delete this file to keep the directory: the demo will then refuse to touch it.
Commands on this workspace run at the demo's clock below, so its story reads the same on any
day (TENURE_NOW overrides it; "tenure serve" keeps the real clock).
`;

/**
 * The demo's "today" (examples/demo/hr/CHANGES.md): the demo runs at this instant unless
 * TENURE_NOW says otherwise, so its ids, task numbers and `access --at` answers are the same on
 * any day — the README's first hour quotes them.
 */
export const DEMO_TODAY = '2026-11-26T10:00:00.000Z';

const CLOCK_LINE = /^clock: (.*)$/m;

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
export function claimDemoDir(dir: string, clock: Date): void {
  if (checkDemoDir(dir) === 'previous_demo') {
    for (const d of [STATE_DIR, 'out']) rmSync(join(dir, d), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, DEMO_MARKER), `${MARKER_TEXT}clock: ${clock.toISOString()}\n`);
}

/**
 * The clock a demo workspace recorded in its marker; undefined for any other directory (and a
 * marker from before demos pinned their clock).
 */
export function demoClock(dir: string): Date | undefined {
  const marker = join(dir, DEMO_MARKER);
  if (!existsSync(marker)) return undefined;
  const line = CLOCK_LINE.exec(readFileSync(marker, 'utf8'));
  if (!line) return undefined;
  const at = new Date(line[1]!.trim());
  if (Number.isNaN(at.getTime()))
    throw new TenureError(
      'demo.bad_clock',
      `${marker}: "clock: ${line[1]}" is not an ISO timestamp; fix it, or delete the line to run this demo workspace on the real clock`,
      { file: marker },
    );
  return at;
}
