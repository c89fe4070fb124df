/**
 * First start: enroll with the one-time token and the locally made public key, then remember the
 * agent id. Later starts reuse the stored id and key; the token is not needed (nor used) again.
 */
import { hostname } from 'node:os';
import { TenureError } from '../domain/errors.js';
import type { AgentSettings } from '../protocol/agent-v1.js';
import { createBackoff } from './backoff.js';
import { type ControlPlaneClient, ControlPlaneError } from './client.js';
import type { AgentConfig } from './config.js';
import type { AgentLog } from './log.js';
import { sleep } from './sleep.js';
import { type AgentKeys, type Enrolled, readEnrolled, writeEnrolled } from './state.js';
import { AGENT_VERSION } from './version.js';

export async function ensureEnrolled(d: {
  config: AgentConfig;
  client: ControlPlaneClient;
  keys: AgentKeys;
  token: string | undefined;
  log: AgentLog;
  signal: AbortSignal;
}): Promise<{ enrolled: Enrolled; settings?: AgentSettings }> {
  const { config, log } = d;
  const known = readEnrolled(config.state_dir);
  if (known) {
    if (d.token)
      log.warn({ agent_id: known.agent_id }, 'already enrolled: the enrollment token is not used');
    if (known.server_url !== config.server_url)
      log.warn(
        { enrolled_with: known.server_url, server_url: config.server_url },
        'server_url differs from the one this agent enrolled with',
      );
    return { enrolled: known };
  }
  if (!d.token)
    throw new TenureError(
      'agent.not_enrolled',
      `not enrolled yet (no ${config.state_dir}/agent.json): start once with --enroll-token <token> ` +
        `(or TENURE_AGENT_ENROLL_TOKEN); an admin makes one with: tenure agents token --site ${config.site}`,
    );
  const b = createBackoff(config.backoff);
  for (;;) {
    try {
      const r = await d.client.enroll({
        token: d.token,
        public_key: d.keys.publicKeyPem,
        hostname: hostname(),
        version: AGENT_VERSION,
        capabilities: [config.connector.kind],
      });
      const enrolled: Enrolled = {
        agent_id: r.agent_id,
        site: r.site,
        server_url: config.server_url,
        enrolled_at: new Date().toISOString(),
      };
      writeEnrolled(config.state_dir, enrolled);
      log.info({ agent_id: r.agent_id, site: r.site }, 'enrolled');
      return { enrolled, settings: r.server_settings };
    } catch (e) {
      // A refused token will not become valid by retrying; an unreachable server may come back.
      if (!(e instanceof ControlPlaneError) || !e.retryable) throw e;
      const delay = b.next();
      log.warn({ error: e.message, retry_in_ms: delay }, 'enrollment failed; backing off');
      await sleep(delay, d.signal);
      if (d.signal.aborted) throw new TenureError('agent.stopped', 'stopped before enrolling');
    }
  }
}
