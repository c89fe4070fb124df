/**
 * Listening and stopping: HTTP or HTTPS (PEM files; a taken port is `serve.port_in_use`), then
 * on SIGTERM/SIGINT a graceful stop — /readyz turns 503, no new connections, in-flight requests
 * finish (a run being applied completes), the scheduler stops and releases its work; connections
 * still open after the timeout are closed. The caller starts the scheduler once this listens.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Logger as Pino } from 'pino';
import { TenureError } from '../domain/errors.js';
import type { Logger } from '../domain/logger.js';
import type { Workspace } from '../engine/workspace.js';
import { type BuiltApp, buildApp } from './app.js';
import { hostPort, listenError } from './listen-address.js';
import type { SchedulerHandle } from './types.js';

export type ServeOptions = {
  ws: Workspace;
  /** pino itself: Fastify logs through it. */
  log: Pino;
  host: string;
  port: number;
  tls?: { cert: string; key: string } | undefined;
  scheduler?: SchedulerHandle | undefined;
  shutdownTimeoutMs: number;
};

export type RunningServer = {
  url: string;
  app: BuiltApp;
  /** Idempotent; resolves when everything has stopped. */
  shutdown(reason: string): Promise<void>;
  closed: Promise<void>;
};

const readPem = (file: string, what: string) => {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new TenureError('config.tls_unreadable', `TLS ${what} ${file}: ${(e as Error).message}`);
  }
};

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const https = opts.tls && {
    cert: readPem(opts.tls.cert, 'certificate'),
    key: readPem(opts.tls.key, 'key'),
  };
  const app = await buildApp({
    ws: opts.ws,
    log: opts.log,
    ...(https && { https }),
    ...(opts.scheduler && { scheduler: opts.scheduler }),
  });
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (e) {
    await app.close();
    throw listenError(e, opts.host, opts.port);
  }
  const { port } = app.server.address() as AddressInfo;
  const url = `${https ? 'https' : 'http'}://${hostPort(opts.host, port)}`;
  opts.log.info({ url }, 'listening');

  let done: (() => void) | undefined;
  const closed = new Promise<void>((resolve) => {
    done = resolve;
  });
  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string) =>
    (stopping ??= (async () => {
      app.services.state.closing = true;
      opts.log.info({ reason }, 'shutting down: finishing in-flight requests');
      const force = setTimeout(() => {
        opts.log.warn('shutdown timeout: closing the remaining connections');
        app.server.closeAllConnections();
      }, opts.shutdownTimeoutMs);
      force.unref();
      try {
        await Promise.all([app.close(), opts.scheduler?.stop()]);
      } finally {
        clearTimeout(force);
        opts.log.info('shutdown complete');
        done?.();
      }
    })());
  return { url, app, shutdown, closed };
}

/** SIGTERM (orchestrators) and SIGINT (Ctrl-C) stop gracefully; a second signal exits at once. */
export function stopOnSignals(server: RunningServer, log: Logger): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (++count > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    void server.shutdown(signal);
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
