/** Identities: searchable keyset-paged list with a total, detail with accounts and grants, effective-dated history, access at a moment. */

import { z } from 'zod';
import { TenureError } from '../../domain/errors.js';
import type { IdentityText } from '../../store/browse-repo.js';
import type { RbacRule } from '../rbac-rule.js';
import {
  accessRowSchema,
  accountSchema,
  decodeCursor,
  errors,
  grantSchema,
  historyRowSchema,
  identityPageSchema,
  identitySchema,
  identityStatusSchema,
  idParams,
  isoTimestamp,
  pageQuery,
  toPage,
} from '../schemas.js';
import type { RouteModule } from '../types.js';

const identityJson = (r: IdentityText) =>
  `{"id":${JSON.stringify(r.id)},"source_id":${JSON.stringify(r.source_id)},"attributes":${r.attributes},"status":${JSON.stringify(r.status)},"missing_from_source":${r.missing_from_source ? 'true' : 'false'},"updated_at":${JSON.stringify(r.updated_at)}}`;

const READ: RbacRule = ['admin', 'operator', 'auditor'];
/** A person may read their own record (`:id` = the identity linked to their user). */
const READ_OR_SELF: RbacRule = [...READ, 'self'];

export const identitiesRoutes: RouteModule = async (app, { ws, clock }) => {
  const mustExist = async (id: string) => {
    const identity = await ws.store.identities.get(id);
    if (!identity) throw new TenureError('identity.not_found', `no identity "${id}"`);
    return identity;
  };

  app.get(
    '/api/v1/identities',
    {
      config: { rbac: READ },
      schema: {
        tags: ['identities'],
        operationId: 'listIdentities',
        summary: 'Identities, ordered by id, keyset-paged; searched and filtered, with a total',
        description:
          '`q`: words, each a prefix (ignoring case and accents) of the id, first, last or preferred name, or the email; every word must match. `department`: exactly as HR spells it. `total` counts every identity the filters select, on every page.',
        querystring: z.strictObject({
          ...pageQuery,
          q: z.string().max(200).optional().describe('search: name, email or id prefixes'),
          department: z.string().min(1).max(200).optional().describe('exact department'),
          status: identityStatusSchema.optional(),
          missing: z.enum(['true', 'false']).optional().describe('flagged missing_from_source'),
        }),
        response: { 200: identityPageSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { limit, cursor, status, missing, q, department } = req.query;
      const after = decodeCursor(cursor, z.string());
      const filter = {
        ...(status !== undefined && { status }),
        ...(missing !== undefined && { missing: missing === 'true' }),
        ...(department !== undefined && { department }),
        ...(q !== undefined && { q }),
      };
      const [rows, total] = await Promise.all([
        ws.store.browse.identityRows({
          limit: limit + 1,
          ...(after !== undefined && { after }),
          ...filter,
        }),
        ws.store.browse.countIdentities(filter),
      ]);
      const { items, next } = toPage(rows, limit, (i) => i.id);
      // The hottest read: attributes go out as stored (canonical JSON written from validated
      // records) instead of parse → validate → stringify; tests check the result against the schema.
      return reply
        .type('application/json; charset=utf-8')
        .send(
          `{"items":[${items.map(identityJson).join(',')}],"next":${JSON.stringify(next)},"total":${total}}` as never,
        );
    },
  );

  app.get(
    '/api/v1/identities/:id',
    {
      config: { rbac: READ_OR_SELF },
      schema: {
        tags: ['identities'],
        operationId: 'getIdentity',
        summary:
          'One identity with its accounts (and their entitlements) and non-birthright grants',
        params: idParams,
        response: {
          200: z.object({
            identity: identitySchema,
            accounts: z.array(accountSchema),
            grants: z.array(grantSchema),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { id } = req.params;
      const [identity, accounts, grants] = await Promise.all([
        mustExist(id),
        ws.store.accounts.forIdentity(id),
        ws.store.browse.grants({ identityId: id, limit: 1000 }),
      ]);
      return { identity, accounts, grants };
    },
  );

  app.get(
    '/api/v1/identities/:id/history',
    {
      config: { rbac: READ_OR_SELF },
      schema: {
        tags: ['identities'],
        operationId: 'getIdentityHistory',
        summary: 'Effective-dated history: every status and attribute change, with its events',
        params: idParams,
        response: { 200: z.object({ items: z.array(historyRowSchema) }), ...errors },
      },
    },
    async (req) => {
      await mustExist(req.params.id);
      return { items: await ws.store.identities.history(req.params.id) };
    },
  );

  app.get(
    '/api/v1/identities/:id/access',
    {
      config: { rbac: READ_OR_SELF },
      schema: {
        tags: ['identities'],
        operationId: 'getIdentityAccess',
        summary: 'What the identity held at a moment (default: now), from access history',
        params: idParams,
        querystring: z.strictObject({ at: isoTimestamp.optional() }),
        response: {
          200: z.object({ at: z.string(), items: z.array(accessRowSchema) }),
          ...errors,
        },
      },
    },
    async (req) => {
      await mustExist(req.params.id);
      const at = req.query.at ?? clock().toISOString();
      return { at, items: await ws.store.accounts.accessAt(at, req.params.id) };
    },
  );
};
