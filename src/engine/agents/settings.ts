/** The agent behaviour the control plane sets (tenure.yaml `agents:`), as sent in every reply. */
import { type AgentsConfig, agentsSchema } from '../../config/agents-schema.js';
import type { AgentSettings } from '../../protocol/agent-v1.js';
import type { Workspace } from '../workspace.js';

/** The `agents:` section, defaults filled in even for a config object built without it. */
export const agentsConfig = (ws: Pick<Workspace, 'config'>): AgentsConfig =>
  (ws.config as { agents?: AgentsConfig }).agents ?? agentsSchema.parse({});

export const agentSettings = (ws: Pick<Workspace, 'config'>): AgentSettings => {
  const c = agentsConfig(ws);
  return {
    poll_wait_seconds: c.poll_wait_seconds,
    batch_size: c.batch_size,
    heartbeat_seconds: c.heartbeat_seconds,
    lease_seconds: c.lease_seconds,
  };
};

/** Online: heard from within three heartbeat intervals. */
export const isOnline = (lastSeenAt: string, now: Date, heartbeatSeconds: number): boolean =>
  now.getTime() - Date.parse(lastSeenAt) <= heartbeatSeconds * 3 * 1000;
