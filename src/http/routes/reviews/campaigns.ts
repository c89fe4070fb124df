/** Review campaigns over HTTP: create (definition or template), list, read, launch, advance a stage, close. */
import { z } from 'zod';
import { CAMPAIGN_STATUSES } from '../../../domain/governance/campaign.js';
import { checkpoint } from '../../../engine/audit/checkpoint.js';
import { advanceStage, closeCampaign } from '../../../governance/reviews/close-campaign.js';
import { createCampaign, createFromTemplate } from '../../../governance/reviews/create-campaign.js';
import { closeHooks } from '../../../governance/reviews/hooks.js';
import { launchCampaign } from '../../../governance/reviews/launch-campaign.js';
import { getCampaign } from '../../../governance/reviews/read.js';
import type { CampaignRow } from '../../../store/reviews-types.js';
import { EVERYONE, OPERATE, STAFF } from '../../rbac.js';
import { errors } from '../../schemas.js';
import type { RouteModule } from '../../types.js';
import { campaignParams, campaignSchema, signoffSchema } from './schemas.js';

const TAGS = ['reviews'];

export const reviewCampaignRoutes: RouteModule = async (app, { ws }) => {
  app.post(
    '/api/v1/reviews/campaigns',
    {
      config: { rbac: OPERATE },
      schema: {
        operationId: 'createReviewCampaign',
        tags: TAGS,
        summary:
          'Create a draft campaign from a definition, or from a tenure.yaml reviews template',
        description: 'Body: a campaign definition (docs/reviews.md), or `{ "template": "<id>" }`.',
        body: z.record(z.string(), z.unknown()),
        response: { 201: campaignSchema, ...errors },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const actor = req.principal!.actor;
      const keys = Object.keys(body);
      const made =
        keys.length === 1 && typeof body.template === 'string'
          ? await createFromTemplate(ws, body.template, actor)
          : await createCampaign(ws, body, actor);
      return reply.code(201).send(made);
    },
  );

  app.get(
    '/api/v1/reviews/campaigns',
    {
      config: { rbac: EVERYONE },
      schema: {
        operationId: 'listReviewCampaigns',
        tags: TAGS,
        summary: 'Campaigns, newest first',
        querystring: z.strictObject({
          status: z.enum(CAMPAIGN_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(campaignSchema) }), ...errors },
      },
    },
    async (req) => ({
      items: await ws.store.reviews.listCampaigns({
        limit: req.query.limit,
        ...(req.query.status && { status: req.query.status }),
      }),
    }),
  );

  app.get(
    '/api/v1/reviews/campaigns/:id',
    {
      config: { rbac: EVERYONE },
      schema: {
        operationId: 'getReviewCampaign',
        tags: TAGS,
        summary: 'One campaign, with its stage counts',
        params: campaignParams,
        response: {
          200: campaignSchema.extend({ counts: z.record(z.string(), z.number()) }),
          ...errors,
        },
      },
    },
    async (req) => {
      const c = await getCampaign(ws.store, req.params.id);
      return { ...c, counts: c.stage > 0 ? await ws.store.reviews.countItems(c.id, c.stage) : {} };
    },
  );

  app.get(
    '/api/v1/reviews/campaigns/:id/signoffs',
    {
      config: { rbac: STAFF },
      schema: {
        operationId: 'listReviewSignoffs',
        tags: TAGS,
        summary: "Reviewers' sign-offs: who, when, how re-authenticated, the statement's hash",
        params: campaignParams,
        response: { 200: z.object({ items: z.array(signoffSchema) }), ...errors },
      },
    },
    async (req) => {
      await getCampaign(ws.store, req.params.id);
      return { items: await ws.store.reviews.signoffs(req.params.id) };
    },
  );

  const transition = (
    path: string,
    operationId: string,
    summary: string,
    run: (id: string, actor: string) => Promise<CampaignRow>,
  ) =>
    app.post(
      `/api/v1/reviews/campaigns/:id/${path}`,
      {
        config: { rbac: OPERATE },
        schema: {
          operationId,
          tags: TAGS,
          summary,
          params: campaignParams,
          body: z.strictObject({}).nullish(),
          response: { 200: campaignSchema, ...errors },
        },
      },
      async (req) => run(req.params.id, req.principal!.actor),
    );

  transition(
    'launch',
    'launchReviewCampaign',
    'Freeze the access snapshot (hashed into the audit trail) and assign stage 1',
    async (id, actor) => {
      const c = await launchCampaign(ws, id, actor);
      await checkpoint(ws);
      return c;
    },
  );
  transition(
    'advance',
    'advanceReviewStage',
    'Close the current stage (no-response defaults) and open the next with what it kept',
    (id, actor) => advanceStage(ws, id, actor),
  );
  transition(
    'close',
    'closeReviewCampaign',
    'Close every stage left, remediate revokes, write the report; completed or completed_with_failures',
    (id, actor) =>
      closeCampaign(ws, id, { actor, ...closeHooks(ws), checkpoint: () => checkpoint(ws) }),
  );
};
