/** The agent registry as operators see it: who is enrolled, online or not, and each site's backlog. */
import { TenureError } from '../../domain/errors.js';
import type { AgentRow } from '../../store/agents-types.js';
import type { Workspace } from '../workspace.js';
import { siteOf } from './routing.js';
import { agentsConfig, isOnline } from './settings.js';

export type AgentView = Omit<AgentRow, 'public_key' | 'offline_alert_for'> & {
  status: 'online' | 'offline' | 'revoked';
};

export type SiteHealth = {
  site: string;
  /** Jobs (one account's operations each) waiting for an agent. */
  queue_depth: number;
  /** Jobs agents are working on now. */
  leased: number;
  /** How long the oldest unreported job has waited (0: none). */
  oldest_waiting_seconds: number;
  agents_online: number;
  agents_enrolled: number;
};

export type AgentsHealth = {
  sites: SiteHealth[];
  agents_online: number;
  agents_offline: number;
  agents_revoked: number;
};

const view = (a: AgentRow, now: Date, heartbeatSeconds: number): AgentView => {
  const { public_key: _k, offline_alert_for: _o, ...rest } = a;
  const status =
    a.revoked_at !== null
      ? 'revoked'
      : isOnline(a.last_seen_at, now, heartbeatSeconds)
        ? 'online'
        : 'offline';
  return { ...rest, status };
};

export async function listAgents(ws: Workspace): Promise<AgentView[]> {
  const now = ws.clock();
  const hb = agentsConfig(ws).heartbeat_seconds;
  return (await ws.store.agents.list()).map((a) => view(a, now, hb));
}

export async function revokeAgent(ws: Workspace, id: string, actor: string): Promise<AgentView> {
  const ts = ws.clock().toISOString();
  const agent = await ws.store.transaction(async (tx) => {
    const found = await tx.agents.get(id);
    if (!found) throw new TenureError('agent.not_found', `no agent "${id}"`);
    if (!(await tx.agents.revoke(id, actor, ts)))
      throw new TenureError(
        'agent.already_revoked',
        `agent ${id} was revoked at ${found.revoked_at}`,
      );
    await tx.audit.append([
      {
        action: 'agent.revoked',
        actor,
        trigger: `agent:${id}`,
        target: `agent:${id}`,
        outcome: 'success',
        details: { site: found.site, hostname: found.hostname },
        ts,
      },
    ]);
    return (await tx.agents.get(id))!;
  });
  return view(agent, ws.clock(), agentsConfig(ws).heartbeat_seconds);
}

/** Per site: backlog, oldest waiting job, agents online. Sites: configured routes, agents, queues. */
export async function agentsHealth(ws: Workspace): Promise<AgentsHealth> {
  const now = ws.clock();
  const agents = await listAgents(ws);
  const stats = await ws.store.agentJobs.siteStats();
  const sites = new Set<string>();
  for (const a of ws.config.applications) {
    const s = siteOf(a);
    if (s !== undefined) sites.add(s);
  }
  for (const a of agents) if (a.status !== 'revoked') sites.add(a.site);
  for (const s of stats) sites.add(s.site);
  const out: SiteHealth[] = [...sites].sort().map((site) => {
    const s = stats.find((x) => x.site === site);
    const mine = agents.filter((a) => a.site === site && a.status !== 'revoked');
    return {
      site,
      queue_depth: s?.queued ?? 0,
      leased: s?.leased ?? 0,
      oldest_waiting_seconds: s?.oldest_waiting_at
        ? Math.max(0, (now.getTime() - Date.parse(s.oldest_waiting_at)) / 1000)
        : 0,
      agents_online: mine.filter((a) => a.status === 'online').length,
      agents_enrolled: mine.length,
    };
  });
  return {
    sites: out,
    agents_online: agents.filter((a) => a.status === 'online').length,
    agents_offline: agents.filter((a) => a.status === 'offline').length,
    agents_revoked: agents.filter((a) => a.status === 'revoked').length,
  };
}
