/**
 * package.json's scripts, as a newcomer runs them: every `npm run <script>` names only commands
 * and files that exist, and `npm run demo` (the README's first hour) works end to end.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_DIR, tempDir } from './run-cli.js';

const scripts: Record<string, string> = JSON.parse(
  readFileSync(join(REPO_DIR, 'package.json'), 'utf8'),
).scripts;

/** Commands a script may run that are not a dependency's bin (node_modules/.bin). */
const SYSTEM_COMMANDS = new Set(['node', 'bash']);
/** An argument that names a file or folder of the repository (not a subcommand, flag or name). */
const looksLikePath = (word: string) =>
  !word.startsWith('-') &&
  (word === '.' || word.includes('/') || /\.(m?js|ts|sh|json)$/.test(word));

/** What one script refers to that is missing, as readable problems ([] when all is there). */
function missingIn(script: string): string[] {
  const problems: string[] = [];
  for (const command of script.split(/&&|\|\||;|\|/)) {
    const [cmd, ...args] = command.trim().split(/\s+/);
    if (!cmd) continue;
    if (/['"$`]/.test(command)) {
      problems.push(`"${command.trim()}": quoting or expansion; this check reads plain words only`);
      continue;
    }
    if (!SYSTEM_COMMANDS.has(cmd) && !existsSync(join(REPO_DIR, 'node_modules', '.bin', cmd)))
      problems.push(`${cmd}: not a dependency's command (node_modules/.bin/${cmd})`);
    // node/bash run the file named first; after it come that program's own arguments.
    const files = SYSTEM_COMMANDS.has(cmd) ? args.slice(0, 1) : args.filter(looksLikePath);
    for (const f of files)
      if (!existsSync(join(REPO_DIR, f))) problems.push(`${f}: no such file in the repository`);
  }
  return problems;
}

describe('package.json scripts', () => {
  it.each(Object.entries(scripts))('npm run %s refers only to what exists', (_, script) => {
    expect(missingIn(script)).toEqual([]);
  });

  it('the check itself finds a missing script file and an unknown command', () => {
    expect(missingIn('bash scripts/demo.sh')).toEqual([
      'scripts/demo.sh: no such file in the repository',
    ]);
    expect(missingIn('tsc --noEmit -p tsconfig.json && nosuchtool run bench/nope.ts')).toEqual([
      "nosuchtool: not a dependency's command (node_modules/.bin/nosuchtool)",
      'bench/nope.ts: no such file in the repository',
    ]);
  });
});

describe('npm run demo', () => {
  const tmp = tempDir('npm-demo');
  afterAll(tmp.cleanup);

  it('builds tenure-demo/ in the current folder and prints the summary with a verified audit trail', async () => {
    // A folder that looks like the checkout to npm (package.json, bin/), so the demo lands there
    // and not in the repository; bin/tenure.js resolves the sources through its real path.
    copyFileSync(join(REPO_DIR, 'package.json'), join(tmp.dir, 'package.json'));
    symlinkSync(join(REPO_DIR, 'bin'), join(tmp.dir, 'bin'));
    const r = await npmRun('demo', tmp.dir);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/Audit trail: \d+ events, chain and signatures verified/);
    expect(existsSync(join(tmp.dir, 'tenure-demo', 'tenure.yaml'))).toBe(true);
    expect(existsSync(join(tmp.dir, 'tenure-demo', '.tenure', 'tenure.db'))).toBe(true);
    expect(existsSync(join(tmp.dir, 'tenure-demo', 'out', 'directory.csv'))).toBe(true);
  });
});

describe('npm start -- --port', () => {
  const tmp = tempDir('npm-start');
  afterAll(tmp.cleanup);

  it('passes the flag to tenure serve: the demo is served on the port given', async () => {
    copyFileSync(join(REPO_DIR, 'package.json'), join(tmp.dir, 'package.json'));
    symlinkSync(join(REPO_DIR, 'bin'), join(tmp.dir, 'bin'));
    // Port 0 = any free port: an answer on a port other than the default 8080 shows the flag
    // reached serve, and --demo (whose directory is optional) did not take it as its directory.
    const child = spawn('npm', ['start', '--', '--port', '0'], {
      cwd: tmp.dir,
      env: npmFreeEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true, // its own process group: npm, and the server under it, stop together
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let err = '';
        child.stderr.on('data', (b: Buffer) => {
          err += b.toString('utf8');
          const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(err);
          if (m) resolve(m[1]!);
        });
        child.on('error', reject);
        child.on('close', (code) => reject(new Error(`npm start exited ${code}\n${err}`)));
      });
      expect(url).not.toMatch(/:8080$/);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(existsSync(join(tmp.dir, 'tenure-demo', '.tenure-demo'))).toBe(true);
    } finally {
      if (child.exitCode === null && child.pid) {
        const closed = new Promise((resolve) => child.on('close', resolve));
        process.kill(-child.pid, 'SIGTERM');
        await closed;
      }
    }
  }, 120_000);
});

/** This process's environment without the npm_* and TENURE_* variables (see npmRun). */
const npmFreeEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|TENURE_)/i.test(k)));

/**
 * `npm run <script>` in `cwd`, without the npm_* and TENURE_* variables of the npm that runs these
 * tests (they would point the inner npm back at the repository, or the demo at another store).
 */
function npmRun(script: string, cwd: string): Promise<{ code: number | null; output: string }> {
  const env = npmFreeEnv();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => out.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: Buffer.concat(out).toString('utf8') }));
  });
}
