/** reviews decide|signoff: a reviewer's decisions (one item, several, or a JSON file) and their sign-off. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { decisionSchema } from '../../config/reviews-schema.js';
import { TenureError } from '../../domain/errors.js';
import { ACTIONS } from '../../domain/governance/campaign.js';
import { type DecisionInput, decide } from '../../governance/reviews/decide.js';
import { signOff } from '../../governance/reviews/signoff.js';
import { verifyPassword } from '../../http/auth/passwords.js';
import type { GlobalOptions } from '../context.js';
import { withWorkspace } from '../context.js';
import { addExamples, type CommandExamples } from '../help-examples.js';
import { cliReviewer } from '../review-caller.js';
import { itemsTable } from '../reviews-view.js';

const EXAMPLES: CommandExamples = {
  'tenure reviews decide': [
    'tenure -w tenure-demo reviews decide rc_1b2c… 41 42 --reviewer E1002 --decision approve',
    'tenure -w tenure-demo reviews decide rc_1b2c… 43 --reviewer E1002 --decision revoke --justification "left the team"',
    'tenure -w tenure-demo reviews decide rc_1b2c… 44 --reviewer E1002 --decision delegate --to E1003',
    'tenure -w tenure-demo reviews decide rc_1b2c… --reviewer E1002 --file decisions.json',
  ],
  'tenure reviews signoff': [
    'tenure -w tenure-demo reviews signoff rc_1b2c… --user hannah < hannah-password.txt',
  ],
};

const stdin = async () => {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
};

function decisionsFrom(ids: string[], o: Record<string, string | undefined>): DecisionInput[] {
  if (o.file !== undefined) {
    if (ids.length > 0)
      throw new TenureError('review.invalid', 'give item ids or --file, not both');
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(o.file, 'utf8'));
    } catch (e) {
      throw new TenureError('review.invalid', `--file ${o.file}: ${(e as Error).message}`);
    }
    const list = decisionSchema.array().min(1).safeParse(parsed);
    if (!list.success)
      throw new TenureError(
        'review.invalid',
        `--file ${o.file}: ${list.error.issues.map((i) => `[${i.path.join('.')}] ${i.message}`).join('; ')}`,
      );
    return list.data;
  }
  if (ids.length === 0 || !o.decision)
    throw new TenureError('review.invalid', 'give item ids and --decision, or --file');
  if (!(ACTIONS as readonly string[]).includes(o.decision))
    throw new TenureError(
      'review.invalid',
      `--decision "${o.decision}": one of ${ACTIONS.join(', ')}`,
    );
  return ids.map((id) => {
    const item = Number(id);
    if (!Number.isInteger(item) || item <= 0)
      throw new TenureError('review.invalid', `"${id}" is not an item id`);
    return {
      item,
      action: o.decision as DecisionInput['action'],
      ...(o.justification !== undefined && { justification: o.justification }),
      ...(o.entitlement !== undefined && { entitlement: o.entitlement }),
      ...(o.to !== undefined && { to: o.to }),
    };
  });
}

export function registerReviewDecisions(reviews: Command, g: () => GlobalOptions): void {
  reviews
    .command('decide <campaign> [items...]')
    .description(
      'decide items as a reviewer: approve, revoke, modify, reassign or delegate (all or none)',
    )
    .requiredOption('--reviewer <who>', 'username, identity id or email of the reviewer deciding')
    .option('--decision <action>', ACTIONS.join(' | '))
    .option(
      '--justification <text>',
      'required to revoke or modify, and to approve privileged or unjustified access',
    )
    .option('--entitlement <id>', 'modify: the entitlement to swap to')
    .option('--to <who>', 'reassign / delegate: the new reviewer')
    .option(
      '--file <path>',
      'a JSON array of decisions: [{ item, action, justification?, entitlement?, to? }]',
    )
    .option('--json', 'machine-readable output')
    .action(async (campaign: string, ids: string[], o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const inputs = decisionsFrom(ids, o);
        const rows = await decide(ws, campaign, await cliReviewer(ws.store, o.reviewer), inputs);
        out.result(rows, () => {
          out.line(itemsTable(rows));
          out.line(`${rows.length} items decided.`);
        });
      }),
    );
  reviews
    .command('signoff <campaign>')
    .description(
      "sign off a reviewer's part of the current stage: re-checks the user's password (stdin or TENURE_PASSWORD)",
    )
    .requiredOption('--user <username>', 'the local user signing off')
    .option('--json', 'machine-readable output')
    .action(async (campaign: string, o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const user = await ws.store.users.byUsername(o.user);
        const hash = user ? await ws.store.users.passwordHash(user.id) : undefined;
        const password = process.env.TENURE_PASSWORD ?? (await stdin());
        if (!user || !hash || !(await verifyPassword(password, hash)))
          throw new TenureError(
            'review.reauth_failed',
            `cannot re-authenticate ${o.user}: wrong password or no local password`,
          );
        const row = await signOff(ws, campaign, await cliReviewer(ws.store, user.username), {
          method: 'password',
          username: user.username,
        });
        out.result(row, () =>
          out.line(
            `Signed off stage ${row.stage} of ${campaign} for ${row.reviewer}: ${row.items} items, statement sha256 ${row.statement_sha256}.`,
          ),
        );
      }),
    );
  addExamples(reviews.parent!, EXAMPLES);
}
