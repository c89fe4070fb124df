/** A workspace: tenure.yaml + its .tenure/ state dir + the store + connectors, opened once per command. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { type LoadedConfig, loadConfig, resolveSecret } from '../config/load-config.js';
import type { Connector } from '../connectors/contract.js';
import { findConnector } from '../connectors/registry.js';
import { TenureError } from '../domain/errors.js';
import type { Clock } from '../domain/types.js';
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/types.js';

export type { Logger } from '../domain/logger.js';

export type Workspace = {
  dir: string;
  stateDir: string;
  config: LoadedConfig;
  store: Store;
  clock: Clock;
  /** pino, the logger's one implementation (Fastify logs through it); parts take `Logger`. */
  log: pino.Logger;
  connector(appId: string): Promise<Connector>;
  close(): Promise<void>;
};

export type OpenOptions = {
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  log?: pino.Logger;
  /** Skip migrations (read-only commands on a store another process manages). */
  migrate?: boolean;
};

export const STATE_DIR = '.tenure';
export const CONFIG_FILE = 'tenure.yaml';

/** TENURE_DATABASE_URL wins over tenure.yaml `store.url`; the default is SQLite under .tenure/. */
export function storeUrl(config: LoadedConfig, dir: string, env: NodeJS.ProcessEnv): string {
  const fromEnv = env.TENURE_DATABASE_URL;
  if (fromEnv) return fromEnv;
  const configured = config.store.url;
  if (configured)
    return configured.startsWith('${env:') ? resolveSecret(configured, env) : configured;
  return `sqlite:${join(dir, STATE_DIR, 'tenure.db')}`;
}

export async function openWorkspace(dirArg: string, opts: OpenOptions = {}): Promise<Workspace> {
  const dir = resolve(dirArg);
  const file = join(dir, CONFIG_FILE);
  if (!existsSync(file)) {
    throw new TenureError(
      'workspace.not_found',
      `no ${CONFIG_FILE} in ${dir} (create one with "tenure init ${dirArg}")`,
    );
  }
  const env = opts.env ?? process.env;
  const config = loadConfig(file);
  const clock = opts.clock ?? (() => new Date());
  const log = opts.log ?? pino({ level: env.TENURE_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const store = await createStore(storeUrl(config, dir, env), { clock });
  if (opts.migrate !== false) await store.migrate();
  const open = new Map<string, Promise<Connector>>();

  const connector = (appId: string): Promise<Connector> => {
    let c = open.get(appId);
    if (!c) {
      const app = config.applications.find((a) => a.id === appId);
      if (!app) throw new TenureError('app.not_found', `unknown application "${appId}"`);
      const factory = findConnector(app.connector);
      if (!factory)
        throw new TenureError('app.unknown_connector', `unknown connector "${app.connector}"`);
      c = factory.create({
        appId,
        config: factory.configGuard.parse(app.settings),
        secret: (ref) => resolveSecret(ref, env),
        baseDir: dir,
        log: log.child({ app: appId }),
      });
      open.set(appId, c);
    }
    return c;
  };

  return {
    dir,
    stateDir: join(dir, STATE_DIR),
    config,
    store,
    clock,
    log,
    connector,
    async close() {
      for (const c of open.values()) await (await c).close();
      await store.close();
    },
  };
}
