/** apps list|check: the configured applications, and whether Tenure can reach and use each one. */

import type { Command } from 'commander';
import { TenureError } from '../../domain/errors.js';
import { type GlobalOptions, withWorkspace } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { addExamples, type CommandExamples } from '../help-examples.js';
import { table } from '../output.js';

const EXAMPLES: CommandExamples = {
  'tenure apps': ['tenure -w tenure-demo apps list', 'tenure -w tenure-demo apps check directory'],
  'tenure apps list': ['tenure -w tenure-demo apps list', 'tenure -w tenure-demo apps list --json'],
  'tenure apps check': [
    'tenure -w tenure-demo apps check directory',
    'tenure -w tenure-demo apps check crm --json',
  ],
};

export function registerApps(program: Command, g: () => GlobalOptions): void {
  const apps = program.command('apps').description('applications and their connectors');
  apps
    .command('list')
    .description('the applications in tenure.yaml')
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const rows = ws.config.applications.map((a) => ({
          id: a.id,
          name: a.name ?? null,
          connector: a.connector,
          route: a.route,
          risk: a.risk,
          owner: a.owner ?? null,
          entitlements: a.entitlements.length,
        }));
        out.result(rows, () => {
          out.line(
            table([
              ['ID', 'CONNECTOR', 'ROUTE', 'RISK', 'ENTITLEMENTS', 'OWNER', 'NAME'],
              ...rows.map((r) => [
                r.id,
                r.connector,
                r.route,
                r.risk,
                String(r.entitlements),
                r.owner ?? '',
                r.name ?? '',
              ]),
            ]),
          );
          out.line(`${rows.length} applications`);
        });
      }),
    );
  apps
    .command('check <app>')
    .description(
      'reachability, TLS, credentials and the rights the connector finds (exit 5 if a check fails)',
    )
    .option('--json', 'machine-readable output')
    .action(async (appId: string, o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const app = ws.config.applications.find((a) => a.id === appId);
        if (!app) {
          const known = ws.config.applications.map((a) => a.id).join(', ') || 'none';
          throw new TenureError(
            'app.not_found',
            `unknown application "${appId}" (known: ${known})`,
          );
        }
        const result = await (await ws.connector(appId)).check();
        out.result({ app: appId, connector: app.connector, ...result }, () => {
          out.line(`${appId} (${app.connector}): ${result.ok ? 'ok' : 'PROBLEMS FOUND'}`);
          out.line(
            table([
              ['CHECK', 'OK', 'DETAIL'],
              ...result.checks.map((c) => [c.name, c.ok ? 'yes' : 'NO', c.detail]),
            ]),
          );
        });
        if (!result.ok) process.exitCode = EXIT.partial;
      }),
    );
  addExamples(program, EXAMPLES);
}
