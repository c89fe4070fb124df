/** reviews create|launch|list|show|inbox|decide|signoff|close: access-review campaigns from the command line. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { TenureError } from '../../domain/errors.js';
import { checkpoint } from '../../engine/audit/checkpoint.js';
import { advanceStage, closeCampaign } from '../../governance/reviews/close-campaign.js';
import { createCampaign, createFromTemplate } from '../../governance/reviews/create-campaign.js';
import { closeHooks } from '../../governance/reviews/hooks.js';
import { launchCampaign } from '../../governance/reviews/launch-campaign.js';
import { getCampaign, inbox } from '../../governance/reviews/read.js';
import { adminActor, type GlobalOptions, withWorkspace } from '../context.js';
import { addExamples, type CommandExamples } from '../help-examples.js';
import { cliReviewer } from '../review-caller.js';
import { campaignsTable, itemsTable } from '../reviews-view.js';
import { registerReviewDecisions } from './reviews-decide.js';

const EXAMPLES: CommandExamples = {
  'tenure reviews': [
    'tenure -w tenure-demo reviews create --template quarterly-privileged',
    'tenure -w tenure-demo reviews launch rc_1b2c…',
    'tenure -w tenure-demo reviews inbox --reviewer E1002',
  ],
  'tenure reviews create': [
    'tenure -w tenure-demo reviews create --file campaign.json',
    'tenure -w tenure-demo reviews create --template quarterly-privileged --json',
  ],
  'tenure reviews launch': ['tenure -w tenure-demo reviews launch rc_1b2c…'],
  'tenure reviews list': [
    'tenure -w tenure-demo reviews list',
    'tenure -w tenure-demo reviews list --status active --json',
  ],
  'tenure reviews show': [
    'tenure -w tenure-demo reviews show rc_1b2c…',
    'tenure -w tenure-demo reviews show rc_1b2c… --items --json',
  ],
  'tenure reviews inbox': [
    'tenure -w tenure-demo reviews inbox --reviewer E1002',
    'tenure -w tenure-demo reviews inbox --reviewer hannah --all --json',
  ],
  'tenure reviews close': [
    'tenure -w tenure-demo reviews close rc_1b2c…',
    'tenure -w tenure-demo reviews close rc_1b2c… --stage-only',
  ],
};

const readDefinition = (file: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new TenureError('review.invalid', `--file ${file}: ${(e as Error).message}`);
  }
};

export function registerReviews(program: Command, g: () => GlobalOptions): void {
  const reviews = program
    .command('reviews')
    .description('access-review campaigns: create, launch, decide, sign off, close');
  reviews
    .command('create')
    .description(
      'create a draft campaign from a JSON definition (--file) or a tenure.yaml template',
    )
    .option('--file <path>', 'the campaign definition, as JSON (docs/reviews.md)')
    .option('--template <id>', 'a tenure.yaml reviews: template, for the current period')
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        if ((o.file === undefined) === (o.template === undefined))
          throw new TenureError(
            'review.invalid',
            'give --file or --template, not both and not neither',
          );
        const actor = adminActor(g());
        const c = o.template
          ? await createFromTemplate(ws, o.template, actor)
          : await createCampaign(ws, readDefinition(o.file), actor);
        out.result(c, () =>
          out.line(
            `Campaign ${c.id} "${c.name}" created (draft). Launch it with: tenure reviews launch ${c.id}`,
          ),
        );
      }),
    );
  reviews
    .command('launch <campaign>')
    .description(
      'freeze the access snapshot (its SHA-256 goes into the audit trail) and assign stage 1',
    )
    .option('--json', 'machine-readable output')
    .action(async (id: string, o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const c = await launchCampaign(ws, id, adminActor(g()));
        await checkpoint(ws);
        out.result(c, () =>
          out.line(
            `Campaign ${c.id} launched: ${c.snapshot_items} items, snapshot sha256 ${c.snapshot_sha256}.`,
          ),
        );
      }),
    );
  reviews
    .command('list')
    .description('campaigns, newest first')
    .option('--status <status>', 'draft, active, closing, completed or completed_with_failures')
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const rows = await ws.store.reviews.listCampaigns(o.status ? { status: o.status } : {});
        out.result(rows, () => out.line(campaignsTable(rows)));
      }),
    );
  reviews
    .command('show <campaign>')
    .description('one campaign: status, stage, counts (and its items with --items)')
    .option('--items', 'also every item of the campaign')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const c = await getCampaign(ws.store, id);
        const counts = c.stage > 0 ? await ws.store.reviews.countItems(id, c.stage) : {};
        const items = o.items ? await ws.store.reviews.items({ campaignId: id }) : undefined;
        out.result({ ...c, counts, ...(items && { items }) }, () => {
          out.line(campaignsTable([c]));
          out.line(
            `stage ${c.stage}: ${
              Object.entries(counts)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ') || 'no items yet'
            }`,
          );
          if (items) out.line(itemsTable(items));
        });
      }),
    );
  reviews
    .command('inbox')
    .description("a reviewer's open items in active campaigns (current stage)")
    .requiredOption('--reviewer <who>', 'username, identity id or email of the reviewer')
    .option('--campaign <id>', 'only this campaign')
    .option('--all', 'also the items already decided')
    .option('--limit <n>', 'at most this many items', '200')
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const caller = await cliReviewer(ws.store, o.reviewer);
        const rows = await inbox(ws.store, caller, {
          limit: Number(o.limit),
          all: Boolean(o.all),
          ...(o.campaign && { campaignId: o.campaign }),
        });
        out.result(rows, () => {
          out.line(itemsTable(rows));
          out.line(`${rows.length} items for ${o.reviewer}`);
        });
      }),
    );
  registerReviewDecisions(reviews, g);
  reviews
    .command('close <campaign>')
    .description(
      'close every stage left (undecided items get the no-response default), remediate, report',
    )
    .option('--stage-only', 'close only the current stage and open the next')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const actor = adminActor(g());
        const c = o.stageOnly
          ? await advanceStage(ws, id, actor)
          : await closeCampaign(ws, id, {
              actor,
              ...closeHooks(ws),
              checkpoint: () => checkpoint(ws),
            });
        out.result(c, () =>
          out.line(
            o.stageOnly
              ? `Campaign ${c.id}: stage ${c.stage} open.`
              : `Campaign ${c.id} closed: ${c.status}.`,
          ),
        );
      }),
    );
  addExamples(program, EXAMPLES);
}
