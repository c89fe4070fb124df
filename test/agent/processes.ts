/**
 * Real processes for the agent's end-to-end tests: `tenure serve` (HTTPS), agents from the
 * bundle (dist/agent.js) or `tenure agent`, each with its stdout JSON log parsed on demand.
 * Every process started here is killed by `killAll()` (afterAll), by its own pid.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(REPO, 'bin', 'tenure.js');

// biome-ignore lint/suspicious/noExplicitAny: log lines are free-form JSON read by assertions.
export type LogLine = Record<string, any>;

export type Proc = {
  child: ChildProcess;
  pid: number;
  name: string;
  stdout(): string;
  stderr(): string;
  /** stdout's JSON lines (others skipped). */
  logs(): LogLine[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** Resolves with the first log line matching, failing after `ms` with the logs so far. */
  waitForLog(pred: (l: LogLine) => boolean, ms: number, what: string): Promise<LogLine>;
};

const started = new Set<Proc>();

/** The child gets PATH etc. but no TENURE_* of ours, plus `env`. */
export function spawnProc(
  name: string,
  args: string[],
  env: Record<string, string>,
  cwd = REPO,
): Proc {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TENURE_')) clean[k] = v;
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let live = true;
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => {
      live = false;
      r({ code, signal });
    }),
  );
  const logs = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as LogLine];
        } catch {
          return [];
        }
      });
  const p: Proc = {
    child,
    pid: child.pid!,
    name,
    stdout: () => out,
    stderr: () => err,
    logs,
    exited,
    alive: () => live,
    async waitForLog(pred, ms, what) {
      const until = Date.now() + ms;
      for (;;) {
        const hit = logs().find(pred);
        if (hit) return hit;
        if (Date.now() > until || !live)
          throw new Error(
            `${name}: no log line "${what}" within ${ms} ms (alive: ${live})\n--- stderr:\n${err.slice(-3000)}\n--- stdout:\n${out.slice(-6000)}`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
  started.add(p);
  void exited.then(() => started.delete(p));
  return p;
}

/** `tenure -w <dir> serve` over HTTPS (port 0: any; a port: a restart); resolves once it listens. */
export async function startServe(
  dir: string,
  env: Record<string, string>,
  tls: { cert: string; key: string },
  port = 0,
): Promise<Proc & { url: string }> {
  const p = spawnProc(
    'serve',
    [BIN, '-w', dir, 'serve', '--port', String(port), '--tls-cert', tls.cert, '--tls-key', tls.key],
    {
      TENURE_LOG_LEVEL: 'info',
      ...env,
    },
  );
  const until = Date.now() + 90_000;
  for (;;) {
    const m = /listening on (https:\/\/\S+)/.exec(p.stderr());
    if (m) return Object.assign(p, { url: m[1]! });
    if (!p.alive() || Date.now() > until) {
      p.child.kill('SIGKILL');
      throw new Error(`serve did not start:\n${p.stderr()}\n${p.stdout().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The agent from the bundle (`node <bundle> --config …`), or `tenure agent` with `cli: true`. */
export function startAgent(
  name: string,
  o: { bundle: string; config: string; env: Record<string, string>; token?: string; cli?: boolean },
): Proc {
  const args = o.cli ? [BIN, 'agent', '--config', o.config] : [o.bundle, '--config', o.config];
  if (o.token) args.push('--enroll-token', o.token);
  return spawnProc(name, args, o.env);
}

/** SIGKILLs whatever is still running (each by its pid) and waits for the exits. */
export async function killAll(): Promise<void> {
  const live = [...started];
  for (const p of live) p.child.kill('SIGKILL');
  await Promise.all(live.map((p) => p.exited));
}

/** `scripts/build-agent.mjs` into a temp dir: the tests run the bundle exactly as shipped. */
export function buildBundle(outdir: string): string {
  execFileSync(process.execPath, [join(REPO, 'scripts/build-agent.mjs')], {
    env: { ...process.env, TENURE_AGENT_OUTDIR: outdir },
    stdio: 'ignore',
  });
  return join(outdir, 'agent.js');
}
