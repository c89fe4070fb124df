/**
 * A `tenure` child process left running in the background (to be raced, or killed mid-apply),
 * and the means to hold it at a known point: a target file that is a FIFO blocks the csv-export
 * connector reading it until the test writes the file's content — no timing involved.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, type CliResult, type Env } from './run-cli.js';

export type Background = {
  pid: number;
  result: Promise<CliResult>;
  kill(signal: NodeJS.Signals): void;
};

/** Like `tenure()` in run-cli.ts (same environment rules), but hands back the child at once. */
export function startTenure(args: readonly string[], env: Env = {}): Background {
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TENURE_')) childEnv[k] = v;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  const child = spawn(process.execPath, [BIN, ...args], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const why = `tenure ${args.join(' ')} -> exit ${code}\n--- stderr:\n${stderr.slice(0, 4000)}\n--- stdout:\n${stdout.slice(0, 2000)}`;
      resolve({ args, code, stdout, stderr, why, json: () => JSON.parse(stdout) });
    });
  });
  return { pid: child.pid!, result, kill: (signal) => child.kill(signal) };
}

/** Replaces `file` with a FIFO: whoever reads it waits until `release` writes `content` into it. */
export function blockFile(file: string): { release(content: string): void; remove(): void } {
  mkdirSync(dirname(file), { recursive: true });
  rmSync(file, { force: true });
  execFileSync('mkfifo', [file]);
  return {
    // Opening a FIFO for writing blocks until a reader opens it: the reader is already waiting.
    release: (content) => writeFileSync(file, content),
    remove: () => rmSync(file, { force: true }),
  };
}

/** Polls `check` until it returns something; the cap is a safety net, never an assertion on speed. */
export async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 2_400; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await sleep(50);
  }
  throw new Error(`gave up waiting for ${what}`);
}
