/**
 * The real `tenure` command as a child process (bin/tenure.js, TypeScript through tsx), for
 * end-to-end tests: spawn, capture, parse --json. Asynchronous, so independent commands overlap.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { createSigningKey } from '../../src/audit/signing-key.js';

export const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(REPO_DIR, 'bin', 'tenure.js');
export const DEMO_HR = join(REPO_DIR, 'examples', 'demo', 'hr');
/** "Today" of the demo data (examples/demo/hr/CHANGES.md). */
export const DEMO_NOW = '2026-11-26T10:00:00.000Z';

export type Env = Record<string, string | undefined>;

export type CliResult = {
  args: readonly string[];
  /** Exit code; null if killed by a signal (e.g. the timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON; the error names the command and shows its output. */
  // biome-ignore lint/suspicious/noExplicitAny: test assertions walk the JSON freely; pass T to type it.
  json<T = any>(): T;
  /** Everything about the call, for assertion messages: `expect(r.code, r.why).toBe(0)`. */
  why: string;
};

export type CliOptions = { cwd?: string; env?: Env; timeoutMs?: number };

/**
 * `node bin/tenure.js …args`. The child gets this process's environment minus every TENURE_*
 * variable (so a developer's TENURE_WORKSPACE or TENURE_DATABASE_URL cannot leak in), plus `env`
 * (an undefined value removes a variable).
 */
export function tenure(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TENURE_')) env[k] = v;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? tmpdir(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 90_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const why = `tenure ${args.join(' ')} -> exit ${code}\n--- stderr:\n${stderr.slice(0, 4000)}\n--- stdout:\n${stdout.slice(0, 2000)}`;
      resolve({
        args,
        code,
        stdout,
        stderr,
        why,
        json() {
          try {
            return JSON.parse(stdout);
          } catch (e) {
            throw new Error(`stdout is not JSON (${(e as Error).message})\n${why}`);
          }
        },
      });
    });
  });
}

/** `tenure -w <dir> …` with a fixed environment (clock, store…); per-call env is merged over it. */
export type WorkspaceCli = ((args: readonly string[], env?: Env) => Promise<CliResult>) & {
  dir: string;
  path(...parts: string[]): string;
};

export function cliFor(dir: string, env: Env = {}): WorkspaceCli {
  const run = (args: readonly string[], more: Env = {}) =>
    tenure(['-w', dir, ...args], { env: { ...env, ...more } });
  return Object.assign(run, { dir, path: (...parts: string[]) => join(dir, ...parts) });
}

/** A temp directory for one test file: `const tmp = tempDir('init'); afterAll(tmp.cleanup)`. */
export function tempDir(label: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `tenure-cli-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export type CsvRow = Record<string, string>;

export const readCsv = (file: string): CsvRow[] =>
  parse(readFileSync(file), { columns: true, bom: true, skip_empty_lines: true });

/**
 * Copies an HR CSV through `edit` (null drops the row) and appends `append`, quoting as needed.
 * Data row `i` (0-based) is reported by the importer as row `i + 2`: the header is row 1.
 */
export function rewriteHr(
  from: string,
  to: string,
  edit: (row: CsvRow, index: number) => CsvRow | null,
  append: CsvRow[] = [],
): CsvRow[] {
  const rows = readCsv(from);
  const columns = Object.keys(rows[0] ?? {});
  const kept = rows.map((r, i) => edit({ ...r }, i)).filter((r): r is CsvRow => r !== null);
  kept.push(...append);
  writeFileSync(to, stringify(kept, { header: true, columns }));
  return kept;
}

/**
 * What `tenure init <dir>` makes (the demo template and .tenure/ with the signing key), without
 * spending a CLI spawn on it: init itself is tested in init.test.ts.
 */
export function initWorkspace(dir: string): string {
  cpSync(join(REPO_DIR, 'examples', 'demo'), dir, { recursive: true });
  mkdirSync(join(dir, '.tenure'), { mode: 0o700 });
  createSigningKey(join(dir, '.tenure'));
  return dir;
}

/** The ids in one section ("Joiners", "Leavers"…) of examples/demo/hr/CHANGES.md. */
export function demoChangeIds(section: string): string[] {
  const text = readFileSync(join(DEMO_HR, 'CHANGES.md'), 'utf8');
  const body = text.split(/^## /m).find((s) => s.startsWith(section));
  return [...(body ?? '').matchAll(/^\| (E\d+) \|/gm)].map((m) => m[1]!);
}
