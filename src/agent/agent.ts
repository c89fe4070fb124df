/**
 * `tenure agent`: load agent.yaml, make or load the key, enroll once, then work until SIGTERM.
 * The agent only ever connects out (to the control plane and to the directory); it opens no
 * listening socket. Directory credentials are read from the environment here and go nowhere else.
 */
import { readFileSync } from 'node:fs';
import { ldapConnector } from '../connectors/ldap/ldap-connector.js';
import { TenureError } from '../domain/errors.js';
import { secretEnvName } from '../domain/secret-ref.js';
import type { AgentSettings } from '../protocol/agent-v1.js';
import { createClient } from './client.js';
import { type AgentConfig, loadAgentConfig } from './config.js';
import { ensureEnrolled } from './enroll.js';
import { type AgentLog, createAgentLog } from './log.js';
import { sleep } from './sleep.js';
import { loadOrCreateKeys } from './state.js';
import { AGENT_VERSION } from './version.js';
import { createWorker } from './worker.js';

/** Until the first reply says otherwise. */
const FIRST_SETTINGS: AgentSettings = {
  poll_wait_seconds: 25,
  batch_size: 50,
  heartbeat_seconds: 30,
  lease_seconds: 60,
};

export type RunAgentOptions = {
  configFile: string;
  enrollToken?: string;
  env?: NodeJS.ProcessEnv;
  /** Resolves when the agent should stop (default: SIGTERM or SIGINT). */
  stopSignal?: AbortSignal;
};

export function resolveSecret(ref: string, env: NodeJS.ProcessEnv): string {
  const name = secretEnvName(ref);
  if (!name) throw new TenureError('agent.secret_ref', `"${ref}" is not a \${env:NAME} reference`);
  const value = env[name];
  if (!value)
    throw new TenureError('agent.secret_unset', `environment variable ${name} (${ref}) is not set`);
  return value;
}

function signalsToAbort(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const on = () => ac.abort();
  process.once('SIGTERM', on);
  process.once('SIGINT', on);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
    },
  };
}

/** Runs the agent until stopped; resolves to the exit code (0 after a clean stop). */
export async function runAgent(o: RunAgentOptions): Promise<number> {
  const env = o.env ?? process.env;
  const config = loadAgentConfig(o.configFile);
  const log = createAgentLog(config.log_level).child({ site: config.site });
  const signals = o.stopSignal ? undefined : signalsToAbort();
  const stopSignal = o.stopSignal ?? signals!.signal;
  try {
    return await run(config, log, env, stopSignal, o.enrollToken ?? env.TENURE_AGENT_ENROLL_TOKEN);
  } finally {
    signals?.dispose();
  }
}

async function run(
  config: AgentConfig,
  baseLog: AgentLog,
  env: NodeJS.ProcessEnv,
  stopSignal: AbortSignal,
  token: string | undefined,
): Promise<number> {
  // Fail at start, not at the first job, when the directory password is missing.
  resolveSecret(config.connector.settings.bind_password, env);
  const { keys, created } = loadOrCreateKeys(config.state_dir);
  if (created)
    baseLog.info({ state_dir: config.state_dir }, 'generated the agent key pair (Ed25519)');
  let ca: Buffer | undefined;
  if (config.ca_file)
    try {
      ca = readFileSync(config.ca_file);
    } catch (e) {
      throw new TenureError('agent.ca_file', `ca_file ${config.ca_file}: ${(e as Error).message}`);
    }
  const client = createClient({ serverUrl: config.server_url, ...(ca ? { ca } : {}) });
  try {
    const { enrolled, settings } = await ensureEnrolled({
      config,
      client,
      keys,
      token: token || undefined,
      log: baseLog,
      signal: stopSignal,
    });
    if (enrolled.site !== config.site)
      throw new TenureError(
        'agent.wrong_site',
        `this agent is enrolled for site "${enrolled.site}" but agent.yaml says "${config.site}"`,
      );
    client.setIdentity({ agentId: enrolled.agent_id, privateKey: keys.privateKey });
    const log = baseLog.child({ agent_id: enrolled.agent_id });
    const connector = await ldapConnector.create({
      appId: `agent:${config.site}`,
      config: config.connector.settings,
      secret: (ref) => resolveSecret(ref, env),
      baseDir: config.baseDir,
      log: log.child({ connector: config.connector.kind }),
    });
    const worker = createWorker({
      client,
      connector,
      log,
      backoff: config.backoff,
      graceMs: config.shutdown_grace_seconds * 1000,
      settings: settings ?? FIRST_SETTINGS,
      site: config.site,
    });
    log.info(
      { server_url: config.server_url, version: AGENT_VERSION, connector: config.connector.kind },
      'agent started',
    );
    if (!stopSignal.aborted)
      await new Promise<void>((r) =>
        stopSignal.addEventListener('abort', () => r(), { once: true }),
      );
    await worker.stop();
    await Promise.race([connector.close().catch(() => {}), sleep(2000)]);
    log.info({}, 'agent stopped');
    return 0;
  } finally {
    client.close();
  }
}
