/** `tenure users …` and `tenure tokens …`: the first admin, and API tokens for automation. */

import type { Command } from 'commander';
import { TenureError } from '../../domain/errors.js';
import { isRole, ROLES, type Role } from '../../domain/roles.js';
import {
  createApiToken,
  parseDuration,
  revokeApiToken,
  tokenState,
} from '../../http/auth/tokens.js';
import { createUser } from '../../http/auth/users.js';
import { adminActor, type GlobalOptions, withWorkspace } from '../context.js';
import { addExamples, type CommandExamples } from '../help-examples.js';
import { table } from '../output.js';

const roleOption = (role: string | undefined, admin: boolean | undefined): Role => {
  if (admin && role !== undefined && role !== 'admin')
    throw new TenureError('cli.bad_role', '--admin and --role disagree');
  const r = admin ? 'admin' : (role ?? 'requester');
  if (!isRole(r))
    throw new TenureError('cli.bad_role', `--role "${r}": one of ${ROLES.join(', ')}`);
  return r;
};

/** The whole of stdin, minus one trailing newline (`echo pw | …`). */
const readStdin = async () => {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
};

const EXAMPLES: CommandExamples = {
  'tenure users': [
    'tenure -w tenure-demo users create alice --admin',
    'tenure -w tenure-demo users list',
  ],
  'tenure users create': [
    'tenure -w tenure-demo users create alice --admin --email alice@example.com',
    'tenure -w tenure-demo users create grace --role reviewer --identity E1015 --display-name "Grace Bernard"',
    'tenure -w tenure-demo users create bob --role operator --password-stdin < bob-password.txt',
  ],
  'tenure users list': [
    'tenure -w tenure-demo users list',
    'tenure -w tenure-demo users list --json',
  ],
  'tenure tokens': [
    'tenure -w tenure-demo tokens create --name ci-nightly --role operator',
    'tenure -w tenure-demo tokens list',
  ],
  'tenure tokens create': [
    'tenure -w tenure-demo tokens create --name ci-nightly --role operator',
    'tenure -w tenure-demo tokens create --name evidence-export --role auditor --expires 90d --json',
  ],
  'tenure tokens list': [
    'tenure -w tenure-demo tokens list',
    'tenure -w tenure-demo tokens list --json',
  ],
  'tenure tokens revoke': ['tenure -w tenure-demo tokens revoke tok_3f9a1c0e5b7d2468'],
};

export function registerUsers(program: Command, g: () => GlobalOptions): void {
  const users = program.command('users').description('control-plane users (tenure serve)');
  users
    .command('create <username>')
    .description('create a local user; prints a generated password unless --password-stdin')
    .option('--admin', 'role admin (the first admin is created this way)')
    .option('--role <role>', `one of ${ROLES.join(', ')} (default requester)`)
    .option('--display-name <name>', 'name shown in the console')
    .option('--email <email>', 'e-mail address')
    .option('--identity <id>', 'the identity this person is (their "own access")')
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .option('--json', 'machine-readable output')
    .action(async (username: string, o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const role = roleOption(o.role, o.admin);
        const password = o.passwordStdin ? await readStdin() : undefined;
        const made = await createUser(
          ws.store,
          {
            username,
            role,
            display_name: o.displayName,
            email: o.email ?? null,
            identity_id: o.identity ?? null,
            ...(password !== undefined && { password }),
          },
          adminActor(g()),
          ws.clock(),
        );
        out.result({ user: made.user, password: made.generated_password ?? null }, () => {
          out.line(`User ${made.user.username} created with role ${made.user.role}.`);
          if (made.generated_password)
            out.line(`Password (shown only now): ${made.generated_password}`);
        });
      }),
    );
  users
    .command('list')
    .description('users: role, enabled or disabled, password or OIDC sign-in')
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const rows = await ws.store.users.list();
        out.result(rows, () =>
          out.line(
            table([
              ['USERNAME', 'ROLE', 'STATUS', 'IDENTITY', 'SIGN-IN', 'CREATED'],
              ...rows.map((u) => [
                u.username,
                u.role,
                u.disabled ? 'disabled' : 'enabled',
                u.identity_id ?? '',
                u.oidc_subject ? 'oidc' : 'password',
                u.created_at,
              ]),
            ]),
          ),
        );
      }),
    );

  const tokens = program.command('tokens').description('API tokens for automation');
  tokens
    .command('create')
    .description('create a token; it is printed once and stored only as a hash')
    .requiredOption('--name <name>', 'what uses it, e.g. ci-nightly')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--expires <duration>', 'lifetime: 30d, 12h, 90m (at most 366d)', '30d')
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(o.name))
          throw new TenureError('cli.bad_token_name', `--name "${o.name}": letters, digits, . _ -`);
        const { token, row } = await createApiToken(ws.store, {
          name: o.name,
          role: roleOption(o.role, false),
          expiresInMs: parseDuration(o.expires),
          actor: adminActor(g()),
          userId: null,
          now: ws.clock(),
        });
        out.result({ ...row, token }, () => {
          out.line(`Token ${row.id} (${row.name}, role ${row.role}) expires ${row.expires_at}.`);
          out.line(`Token (shown only now): ${token}`);
        });
      }),
    );
  tokens
    .command('list')
    .description('API tokens: name, role, expiry, state (active, expired, revoked)')
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const now = ws.clock();
        const rows = (await ws.store.apiTokens.list()).map((t) => ({
          ...t,
          state: tokenState(t, now),
        }));
        out.result(rows, () =>
          out.line(
            table([
              ['ID', 'NAME', 'ROLE', 'STATE', 'EXPIRES', 'LAST USED'],
              ...rows.map((t) => [
                t.id,
                t.name,
                t.role,
                t.state,
                t.expires_at,
                t.last_used_at ?? '',
              ]),
            ]),
          ),
        );
      }),
    );
  tokens
    .command('revoke <id>')
    .description('revoke a token at once; requests using it are refused')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const row = await revokeApiToken(ws.store, id, adminActor(g()), ws.clock());
        out.result(row, () =>
          out.line(`Token ${row.id} (${row.name}) revoked at ${row.revoked_at}.`),
        );
      }),
    );
  addExamples(program, EXAMPLES);
}
