/** Review items over HTTP: a campaign's items, the caller's inbox, decisions (single or bulk), sign-off. */
import { z } from 'zod';
import { TenureError } from '../../../domain/errors.js';
import { decide, MAX_BULK } from '../../../governance/reviews/decide.js';
import { campaignItems, inbox, visibleItem } from '../../../governance/reviews/read.js';
import { signOff } from '../../../governance/reviews/signoff.js';
import { dummyHash, verifyPassword } from '../../auth/passwords.js';
import { EVERYONE } from '../../rbac.js';
import type { RbacRule } from '../../rbac-rule.js';
import { decodeCursor, errors, page, pageQuery, toPage } from '../../schemas.js';
import type { RouteModule } from '../../types.js';
import { reviewCaller } from './caller.js';
import {
  campaignParams,
  decisionSchema,
  itemParams,
  itemSchema,
  signoffSchema,
} from './schemas.js';

const TAGS = ['reviews'];
/** Whoever may be assigned items decides them; an auditor reads and changes nothing. */
export const DECIDERS: RbacRule = ['admin', 'operator', 'reviewer', 'requester'];

const itemFilters = {
  ...pageQuery,
  app: z.string().min(1).max(256).optional(),
};

export const reviewItemRoutes: RouteModule = async (app, { ws, services }) => {
  app.get(
    '/api/v1/reviews/campaigns/:id/items',
    {
      config: { rbac: EVERYONE },
      schema: {
        operationId: 'listReviewItems',
        tags: TAGS,
        summary: "A campaign's items (staff: all; anyone else: only those assigned to them)",
        params: campaignParams,
        querystring: z.strictObject({
          ...itemFilters,
          stage: z.coerce.number().int().min(1).max(3).optional(),
          undecided: z.stringbool().optional(),
          identity: z.string().min(1).max(256).optional(),
        }),
        response: { 200: page(itemSchema), ...errors },
      },
    },
    async (req) => {
      const { limit, cursor, app: appId, stage, undecided, identity } = req.query;
      const caller = await reviewCaller(ws.store, req.principal!);
      const rows = await campaignItems(ws.store, caller, {
        campaignId: req.params.id,
        limit: limit + 1,
        ...(decodeCursor(cursor, z.number().int()) !== undefined && {
          afterId: decodeCursor(cursor, z.number().int())!,
        }),
        ...(appId !== undefined && { appId }),
        ...(stage !== undefined && { stage }),
        ...(undecided !== undefined && { undecided }),
        ...(identity !== undefined && { identityId: identity }),
      });
      return toPage(rows, limit, (i) => i.id);
    },
  );

  app.get(
    '/api/v1/reviews/inbox',
    {
      config: { rbac: EVERYONE },
      schema: {
        operationId: 'reviewInbox',
        tags: TAGS,
        summary: "The caller's open items in active campaigns (current stage), paged",
        querystring: z.strictObject({
          ...itemFilters,
          campaign: z.string().min(1).max(256).optional(),
          all: z.stringbool().default(false).describe('also the items already decided'),
        }),
        response: { 200: page(itemSchema), ...errors },
      },
    },
    async (req) => {
      const { limit, cursor, app: appId, campaign, all } = req.query;
      const caller = await reviewCaller(ws.store, req.principal!);
      const after = decodeCursor(cursor, z.number().int());
      const rows = await inbox(ws.store, caller, {
        limit: limit + 1,
        all,
        ...(after !== undefined && { afterId: after }),
        ...(appId !== undefined && { appId }),
        ...(campaign !== undefined && { campaignId: campaign }),
      });
      return toPage(rows, limit, (i) => i.id);
    },
  );

  app.get(
    '/api/v1/reviews/items/:id',
    {
      config: { rbac: EVERYONE },
      schema: {
        operationId: 'getReviewItem',
        tags: TAGS,
        summary: 'One item: why it is held, since when, peers, recommendation, decision',
        params: itemParams,
        response: { 200: itemSchema, ...errors },
      },
    },
    async (req) =>
      visibleItem(ws.store, await reviewCaller(ws.store, req.principal!), req.params.id),
  );

  app.post(
    '/api/v1/reviews/campaigns/:id/decisions',
    {
      config: { rbac: DECIDERS },
      schema: {
        operationId: 'decideReviewItems',
        tags: TAGS,
        summary: 'Decide items (approve, revoke, modify, reassign, delegate): all or none',
        params: campaignParams,
        body: z.strictObject({ decisions: z.array(decisionSchema).min(1).max(MAX_BULK) }),
        response: { 200: z.object({ items: z.array(itemSchema) }), ...errors },
      },
    },
    async (req) => ({
      items: await decide(
        ws,
        req.params.id,
        await reviewCaller(ws.store, req.principal!),
        req.body.decisions,
      ),
    }),
  );

  app.post(
    '/api/v1/reviews/campaigns/:id/signoff',
    {
      config: { rbac: DECIDERS },
      schema: {
        operationId: 'signOffReview',
        tags: TAGS,
        summary:
          "Sign off the caller's part of the current stage: re-enter the password; the meaning statement's hash is recorded",
        params: campaignParams,
        body: z.strictObject({ password: z.string().min(1).max(1024) }),
        response: { 200: signoffSchema, ...errors },
      },
    },
    async (req) => {
      const p = req.principal!;
      const user =
        p.kind === 'session' && p.user_id ? await ws.store.users.get(p.user_id) : undefined;
      if (!user)
        throw new TenureError(
          'review.reauth_failed',
          'sign-off needs a person signed in (not an API token)',
        );
      const hash = await ws.store.users.passwordHash(user.id);
      // Always one scrypt, as at sign-in: the answer time does not say whether a password exists.
      const ok = await services.hashGate.run(async () =>
        verifyPassword(req.body.password, hash ?? (await dummyHash())),
      );
      if (!hash || !ok)
        throw new TenureError(
          'review.reauth_failed',
          hash
            ? 'wrong password'
            : 'this user has no local password (OIDC re-authentication is not supported yet)',
        );
      return signOff(ws, req.params.id, await reviewCaller(ws.store, p), {
        method: 'password',
        username: user.username,
      });
    },
  );
};
