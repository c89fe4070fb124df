/** agents token|list|revoke: enroll on-prem agents, see them, cut one off (docs/agent.md). */

import type { Command } from 'commander';
import { parseDuration } from '../../config/scheduler-schema.js';
import { TenureError } from '../../domain/errors.js';
import { createEnrollmentToken, MAX_TOKEN_MS, SITE_NAME } from '../../engine/agents/enroll.js';
import { listAgents, revokeAgent } from '../../engine/agents/registry.js';
import { siteOf } from '../../engine/agents/routing.js';
import { checkpoint } from '../../engine/audit/checkpoint.js';
import { adminActor, type GlobalOptions, withWorkspace } from '../context.js';
import { addExamples, type CommandExamples } from '../help-examples.js';
import { table } from '../output.js';

const EXAMPLES: CommandExamples = {
  'tenure agents': [
    'tenure -w tenure-demo agents token --site paris',
    'tenure -w tenure-demo agents list',
  ],
  'tenure agents token': [
    'tenure -w tenure-demo agents token --site paris',
    'tenure -w tenure-demo agents token --site paris --expires 10m --json',
  ],
  'tenure agents list': [
    'tenure -w tenure-demo agents list',
    'tenure -w tenure-demo agents list --json',
  ],
  'tenure agents revoke': ['tenure -w tenure-demo --as alice agents revoke agt_9c1e4b7a2d3f6058'],
};

export function registerAgents(program: Command, g: () => GlobalOptions): void {
  const agents = program
    .command('agents')
    .description('on-prem agents: enrollment tokens, registry, revocation');

  agents
    .command('token')
    .description('mint a one-time enrollment token for a site (shown once; only its hash is kept)')
    .requiredOption('--site <site>', 'the site the agent will serve (route: agent:<site>)')
    .option('--expires <duration>', 'lifetime: 10m, 1h, 24h (at most 24h)', '1h')
    .option('--json', 'machine-readable output')
    .action(async (o: { site: string; expires: string; json?: boolean }) => {
      if (!SITE_NAME.test(o.site))
        throw new TenureError('cli.bad_site', `--site "${o.site}": letters, digits, "-" or "_"`);
      const ms = parseDuration(o.expires);
      if (ms === undefined || ms < 60_000 || ms > MAX_TOKEN_MS)
        throw new TenureError('cli.bad_expiry', `--expires "${o.expires}": from 1m to 24h`);
      await withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const t = await createEnrollmentToken(ws, {
          site: o.site,
          expiresInMs: ms,
          actor: adminActor(g()),
        });
        await checkpoint(ws);
        const routed = ws.config.applications.filter((a) => siteOf(a) === o.site).map((a) => a.id);
        out.result({ ...t, applications: routed }, () => {
          out.line(`Enrollment token for site ${t.site} (single use, expires ${t.expires_at}):`);
          out.line();
          out.line(`  ${t.token}`);
          out.line();
          out.line(
            'It is shown only now. Start the agent once with --enroll-token <token> (or TENURE_AGENT_ENROLL_TOKEN).',
          );
          if (routed.length === 0)
            out.line(`Note: no application has route: agent:${o.site} yet (tenure.yaml).`);
        });
      });
    });

  agents
    .command('list')
    .description('enrolled agents: online/offline, version, last seen, operations done/failed')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const rows = await listAgents(ws);
        out.result(rows, () => {
          out.line(
            table([
              ['ID', 'SITE', 'STATUS', 'HOST', 'VERSION', 'LAST SEEN', 'DONE', 'FAILED'],
              ...rows.map((a) => [
                a.id,
                a.site,
                a.status,
                a.hostname,
                a.version,
                a.last_seen_at,
                String(a.ops_done),
                String(a.ops_failed),
              ]),
            ]),
          );
          const online = rows.filter((a) => a.status === 'online').length;
          out.line(`${rows.length} agents, ${online} online`);
        });
      }),
    );

  agents
    .command('revoke <id>')
    .description("refuse the agent's requests from now on (its leases expire and are re-queued)")
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const agent = await revokeAgent(ws, id, adminActor(g()));
        await checkpoint(ws);
        out.result(agent, () =>
          out.line(
            `Agent ${agent.id} (${agent.site}, ${agent.hostname}) revoked at ${agent.revoked_at}.`,
          ),
        );
      }),
    );
  addExamples(program, EXAMPLES);
}
