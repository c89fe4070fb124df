/** `tenure serve`: the control plane (REST API) for a workspace, or for a fresh demo with `--demo`. */

import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { loadConfig } from '../../config/load-config.js';
import { TenureError } from '../../domain/errors.js';
import { closeDeadRunsAtStart } from '../../engine/runs/run-lock.js';
import { createScheduler } from '../../engine/scheduler/index.js';
import { CONFIG_FILE, openWorkspace, type Workspace } from '../../engine/workspace.js';
import { createUser } from '../../http/auth/users.js';
import { type HeldAddress, holdAddress } from '../../http/listen-address.js';
import { startServer, stopOnSignals } from '../../http/server.js';
import { adminActor, cliClock, type GlobalOptions, workspaceDir } from '../context.js';
import { addExamples, type CommandExamples } from '../help-examples.js';
import { runDemo } from './demo.js';
import { checkDemoDir } from './demo-dir.js';
import { TEMPLATE_DIR } from './init.js';

type ServeFlags = {
  host?: string;
  port?: string;
  tlsCert?: string;
  tlsKey?: string;
  demo?: string | boolean;
};

const parsePort = (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new TenureError('cli.bad_port', `--port "${text}" is not a port number (0-65535)`);
  return n;
};

const EXAMPLES: CommandExamples = {
  'tenure serve': [
    'tenure serve --demo tenure-demo',
    'tenure -w tenure-demo serve --port 8080',
    'tenure -w /srv/tenure serve --host 0.0.0.0 --port 8443 --tls-cert cert.pem --tls-key key.pem',
  ],
};

export function registerServe(program: Command, g: () => GlobalOptions): void {
  program
    .command('serve')
    .description('run the control plane: REST API under /api/v1, OpenAPI, /healthz, /metrics')
    .option('--host <host>', 'address to listen on (default: tenure.yaml server.host, 127.0.0.1)')
    .option('--port <port>', 'port (default: tenure.yaml server.port, 8080; 0 = any free port)')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key')
    .option(
      '--demo [dir]',
      '(re)create the demo workspace (default tenure-demo) with a demo admin, then serve it',
    )
    .action(async (o: ServeFlags) => {
      if ((o.tlsCert === undefined) !== (o.tlsKey === undefined))
        throw new TenureError('cli.tls_incomplete', '--tls-cert and --tls-key go together');
      const port = o.port === undefined ? undefined : parsePort(o.port);
      const demoDir =
        o.demo === undefined ? undefined : o.demo === true ? 'tenure-demo' : String(o.demo);
      const demo = demoDir !== undefined;
      // The demo's runs take a while: hold the address first, so they never happen for a server
      // that then cannot listen (the demo's tenure.yaml is the template's).
      let held: HeldAddress | undefined;
      if (demo) {
        checkDemoDir(resolve(demoDir));
        const server = loadConfig(join(TEMPLATE_DIR, CONFIG_FILE)).server;
        held = await holdAddress(o.host ?? server.host, port ?? server.port);
      }
      try {
        if (demo) await runDemo(demoDir, { json: false, actor: adminActor(g()) });
        const dir = demoDir ?? workspaceDir(g());
        await serveWorkspace(dir, o, { port: held?.port ?? port, demo, g, held });
      } finally {
        await held?.release(); // on the way out of a failed start; a no-op once released
      }
    });
  addExamples(program, EXAMPLES);
}

/**
 * Opens the workspace (migrations only), listens — `serve.port_in_use` if the address is taken —
 * and only then starts the scheduler, so a server that cannot listen imports and runs nothing.
 */
async function serveWorkspace(
  dir: string,
  o: ServeFlags,
  opts: {
    port: number | undefined;
    demo: boolean;
    g: () => GlobalOptions;
    /** Released just before the real listener binds the same port. */
    held: HeldAddress | undefined;
  },
) {
  const level = process.env.TENURE_LOG_LEVEL ?? (opts.demo ? 'warn' : 'info');
  const log = pino(
    { level, base: { service: 'tenure' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination(1),
  );
  const ws = await openWorkspace(dir, { clock: cliClock(), log });
  try {
    const cfg = ws.config.server;
    let demoPassword: string | undefined;
    if (opts.demo) {
      const made = await createUser(
        ws.store,
        { username: 'admin', role: 'admin', display_name: 'Demo admin' },
        adminActor(opts.g()),
        ws.clock(),
      );
      demoPassword = made.generated_password;
    }
    const tls =
      o.tlsCert && o.tlsKey
        ? { cert: resolve(o.tlsCert), key: resolve(o.tlsKey) }
        : cfg.tls && { cert: resolve(ws.dir, cfg.tls.cert), key: resolve(ws.dir, cfg.tls.key) };
    // The demo's tenure.yaml points at snapshot 1: re-importing it on the hourly schedule
    // would undo the JML story just shown. Time-driven changes (lifecycle_tick) still run.
    if (opts.demo) ws.config.schedules.import_and_run.enabled = false;
    const scheduler = createScheduler({ ws, log });
    await opts.held?.release();
    const server = await startServer({
      ws,
      log,
      host: o.host ?? cfg.host,
      port: opts.port ?? cfg.port,
      tls,
      scheduler,
      shutdownTimeoutMs: cfg.shutdown_timeout_seconds * 1000,
    });
    const unhook = stopOnSignals(server, log);
    try {
      try {
        await closeDeadRunsAtStart(ws, 'serve:start');
        await scheduler.start();
      } catch (e) {
        await server.shutdown('the scheduler did not start');
        throw e;
      }
      const users = demoPassword ? 1 : (await ws.store.users.list()).length;
      printBanner(server.url, ws, demoPassword, users);
      await server.closed;
    } finally {
      unhook();
    }
  } finally {
    await ws.close();
  }
}

/** Human lines on stderr (stdout carries the JSON logs); the first one is stable for scripts. */
function printBanner(url: string, ws: Workspace, password: string | undefined, users: number) {
  const lines = [
    `Tenure control plane listening on ${url}  (workspace ${ws.dir}, ${ws.store.dialect})`,
  ];
  if (password) {
    lines.push(
      '',
      `Sign in as the demo admin — username: admin   password: ${password}   (shown only now)`,
      `  curl -c jar.txt -H 'content-type: application/json' \\`,
      `       -d '{"username":"admin","password":"${password}"}' ${url}/api/v1/auth/login`,
      `  curl -b jar.txt '${url}/api/v1/identities?status=terminated&limit=5'`,
      `  curl -b jar.txt ${url}/api/v1/tasks`,
    );
  } else if (users === 0) {
    lines.push('No users yet: create the first admin with  tenure users create <name> --admin');
  }
  lines.push(
    `API reference: ${url}/api/v1/openapi.json (docs/api.md). Ctrl-C stops it gracefully.`,
  );
  process.stderr.write(`${lines.join('\n')}\n`);
}
