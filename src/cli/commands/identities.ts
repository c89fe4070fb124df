/** identities list (searched, filtered)|show, and access --at: who is who, and who held what when. */

import type { Command } from 'commander';
import { TenureError } from '../../domain/errors.js';
import type { Identity, IdentityStatus } from '../../domain/types.js';
import type { IdentityFilter } from '../../store/browse-repo.js';
import { type GlobalOptions, withWorkspace } from '../context.js';
import { addExamples, type CommandExamples } from '../help-examples.js';
import { table } from '../output.js';

const PAGE = 1_000;

const EXAMPLES: CommandExamples = {
  'tenure identities': [
    'tenure -w tenure-demo identities list --status terminated',
    'tenure -w tenure-demo identities show E1015',
  ],
  'tenure identities list': [
    'tenure -w tenure-demo identities list',
    'tenure -w tenure-demo identities list --status terminated',
    'tenure -w tenure-demo identities list --missing --json',
    'tenure -w tenure-demo identities list --q "kenji bro"',
    'tenure -w tenure-demo identities list --department Engineering --status active --json',
  ],
  'tenure identities show': [
    'tenure -w tenure-demo identities show E1015',
    'tenure -w tenure-demo identities show E1015 --json',
  ],
  'tenure access': [
    'tenure -w tenure-demo access --at 2026-11-01T09:00:00Z',
    'tenure -w tenure-demo access --at 2026-11-26T10:00:00Z --identity E1015 --json',
  ],
};

export function registerIdentities(program: Command, g: () => GlobalOptions): void {
  const ids = program.command('identities').description('people known from HR');
  ids
    .command('list')
    .description(
      'identities with status, department and title; search by name, email or id, filter by department, status or missing',
    )
    .option('--q <words>', 'each word a prefix of the id, a name or the email (any case, accents)')
    .option('--department <name>', 'only this department, exactly as HR spells it')
    .option('--status <status>', 'only pre-hire | active | leave | terminated')
    .option('--missing', 'only people missing from the latest full snapshot')
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const filter: IdentityFilter = {
          ...(o.q !== undefined && { q: String(o.q) }),
          ...(o.department !== undefined && { department: String(o.department) }),
          ...(o.status !== undefined && { status: o.status as IdentityStatus }),
          ...(o.missing && { missing: true }),
        };
        // The same search the API and the console use, page by page (id order).
        const all: Identity[] = [];
        for (;;) {
          const after = all.at(-1)?.id;
          const page = await ws.store.browse.identities({
            ...filter,
            limit: PAGE,
            ...(after !== undefined && { after }),
          });
          all.push(...page);
          if (page.length < PAGE) break;
        }
        out.result(all, () => {
          out.line(
            table([
              ['ID', 'NAME', 'STATUS', 'DEPARTMENT', 'TITLE', 'FLAGS'],
              ...all.map((i) => [
                i.id,
                `${i.attributes.preferred_name ?? i.attributes.first_name} ${i.attributes.last_name}`,
                i.status,
                i.attributes.department,
                i.attributes.title,
                i.missing_from_source ? 'missing_from_source' : '',
              ]),
            ]),
          );
          out.line(`${all.length} identities`);
        });
      }),
    );
  ids
    .command('show <id>')
    .description('one identity: attributes, accounts with entitlements, effective-dated history')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const identity = await ws.store.identities.get(id);
        if (!identity) throw new TenureError('identity.not_found', `no identity "${id}"`);
        const accounts = await ws.store.accounts.forIdentity(id);
        const history = await ws.store.identities.history(id);
        out.result({ identity, accounts, history }, () => {
          out.line(
            `${identity.id}  ${identity.attributes.first_name} ${identity.attributes.last_name}  <${identity.attributes.email}>`,
          );
          out.line(
            `status ${identity.status}${identity.missing_from_source ? ' (missing from source)' : ''}; ${identity.attributes.title}, ${identity.attributes.department}, ${identity.attributes.location}`,
          );
          out.line();
          out.line(
            table([
              ['APP', 'ACCOUNT', 'ENABLED', 'ENTITLEMENTS'],
              ...accounts.map((a) => [
                a.app_id,
                a.account_id,
                String(a.enabled),
                a.entitlements.join(', '),
              ]),
            ]),
          );
          out.line();
          out.line(
            table([
              ['FROM', 'TO', 'STATUS', 'EVENTS', 'DEPARTMENT', 'TITLE'],
              ...history.map((h) => [
                h.valid_from,
                h.valid_to ?? 'now',
                h.status,
                h.events.join(','),
                h.attributes.department,
                h.attributes.title,
              ]),
            ]),
          );
        });
      }),
    );

  program
    .command('access')
    .description('who held what at a moment, from history')
    .requiredOption('--at <timestamp>', 'ISO timestamp, e.g. 2026-11-01T09:00:00Z')
    .option('--identity <id>', 'one identity only')
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const at = new Date(o.at);
        if (Number.isNaN(at.getTime()))
          throw new TenureError('cli.bad_timestamp', `--at "${o.at}" is not an ISO timestamp`);
        const rows = await ws.store.accounts.accessAt(at.toISOString(), o.identity);
        out.result({ at: at.toISOString(), access: rows }, () => {
          out.line(
            table([
              ['IDENTITY', 'APP', 'ACCOUNT', 'HOLDS', 'SINCE'],
              ...rows.map((r) => [
                r.identity_id ?? '(orphan)',
                r.app_id,
                r.account_id,
                r.entitlement_id ?? '(enabled account)',
                r.valid_from,
              ]),
            ]),
          );
          out.line(`${rows.length} holdings at ${at.toISOString()}`);
        });
      }),
    );
  addExamples(program, EXAMPLES);
}
