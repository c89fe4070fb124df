/** The audit trail over HTTP: query events, stream an export (JSONL/CSV), verify the chain. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { exportAudit } from '../../audit/export.js';
import { PUBLIC_KEY_FILE } from '../../audit/signing-key.js';
import { TenureError } from '../../domain/errors.js';
import { checkpoint } from '../../engine/audit/checkpoint.js';
import { verifyWorkspaceAudit } from '../../engine/audit/verify.js';
import { EVIDENCE } from '../rbac.js';
import {
  auditEventSchema,
  decodeCursor,
  errors,
  isoTimestamp,
  page,
  pageQuery,
  toPage,
} from '../schemas.js';
import type { RouteModule } from '../types.js';

/** A download name, not a path: anything else is refused (and audited as an attempt). */
const SAFE_FILENAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** `signatures` is always said: `not_checked` comes with its reason (e.g. the key file is missing). */
const signatureFields = {
  signatures: z.enum(['verified', 'not_checked']),
  signatures_reason: z.string().optional(),
  notes: z.array(z.string()).describe('what was not compared, e.g. no witness configured'),
};
const verifySchema = z.union([
  z.object({
    ok: z.literal(true),
    events: z.number(),
    checkpoints: z.number(),
    head: z.string(),
    signed_through: z.number().describe('seq of the last checkpoint with a good signature'),
    anchors: z.array(z.string()).describe('head file and witness the database was compared with'),
    ...signatureFields,
  }),
  z.object({
    ok: z.literal(false),
    events: z.number(),
    first_bad_seq: z.number(),
    reason: z.string(),
    ...signatureFields,
  }),
]);

export const auditRoutes: RouteModule = async (app, { ws, clock, services }) => {
  const publicKey = () => {
    const file = join(ws.stateDir, PUBLIC_KEY_FILE);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  };

  app.get(
    '/api/v1/audit/events',
    {
      config: { rbac: EVIDENCE },
      schema: {
        tags: ['audit'],
        operationId: 'listAuditEvents',
        summary: 'Audit events in seq order, filtered by time window, action, actor or target',
        querystring: z.strictObject({
          ...pageQuery,
          since: isoTimestamp.optional(),
          until: isoTimestamp.optional(),
          action: z.string().max(200).optional(),
          actor: z.string().max(500).optional(),
          target: z.string().max(500).optional().describe('e.g. identity:E0042'),
        }),
        response: { 200: page(auditEventSchema), ...errors },
      },
    },
    async (req) => {
      const { limit, cursor, since, until, action, actor, target } = req.query;
      const afterSeq = decodeCursor(cursor, z.number().int());
      const rows = await ws.store.browse.audit({
        limit: limit + 1,
        ...(afterSeq !== undefined && { afterSeq }),
        ...(since !== undefined && { since }),
        ...(until !== undefined && { until }),
        ...(action !== undefined && { action }),
        ...(actor !== undefined && { actor }),
        ...(target !== undefined && { target }),
      });
      return toPage(rows, limit, (e) => e.seq);
    },
  );

  app.get(
    '/api/v1/audit/export',
    {
      config: { rbac: EVIDENCE },
      schema: {
        tags: ['audit'],
        operationId: 'exportAudit',
        summary: 'Stream the trail as JSONL (verifiable offline) or CSV; audited audit.exported',
        description:
          'The JSONL format is described in docs/audit.md; verify it with `tenure audit verify-export`.',
        querystring: z.strictObject({
          format: z.enum(['jsonl', 'csv']),
          since: isoTimestamp.optional(),
          until: isoTimestamp.optional(),
          filename: z.string().max(255).optional().describe('download name, e.g. q4.jsonl'),
        }),
        response: {
          200: {
            description: 'The trail, streamed as an attachment (Content-Disposition)',
            content: {
              'application/x-ndjson': {
                schema: z.string().describe('one JSON object a line: docs/audit.md'),
              },
              'text/csv': { schema: z.string().describe('a header row, then one event a row') },
            },
          },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { format, since, until, filename } = req.query;
      const p = req.principal!;
      const name = filename ?? `tenure-audit.${format}`;
      if (!SAFE_FILENAME.test(name) || name.includes('..')) {
        await services.audit([
          {
            action: 'api.rejected',
            actor: p.actor,
            trigger: `request:${req.id}`,
            target: 'route:GET /api/v1/audit/export',
            outcome: 'failure',
            details: { reason: 'bad_filename', filename: name.slice(0, 255), ip: req.ip },
            ts: clock().toISOString(),
          },
        ]);
        throw new TenureError(
          'request.bad_filename',
          'querystring.filename: a plain file name (letters, digits, . _ -), not a path',
        );
      }
      // Sign the head first, so the export's last event is covered (verify-export insists).
      if (format === 'jsonl') await checkpoint(ws);
      const body = new PassThrough();
      reply
        .type(format === 'jsonl' ? 'application/x-ndjson' : 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        // A stream, not a JSON value: Fastify sends it as it is (no serializer).
        .send(body as never);
      exportAudit(ws.store, { format, since, until, out: body, publicKeyPem: publicKey() })
        .then(async (count) => {
          body.end();
          await services.audit([
            {
              action: 'audit.exported',
              actor: p.actor,
              trigger: `request:${req.id}`,
              target: 'audit',
              outcome: 'success',
              details: { format, since: since ?? null, until: until ?? null, events: count },
              ts: clock().toISOString(),
            },
          ]);
        })
        .catch((e: unknown) => {
          req.log.error({ err: e }, 'audit export failed');
          body.destroy(e as Error);
        });
      return reply;
    },
  );

  app.get(
    '/api/v1/audit/verify',
    {
      config: { rbac: EVIDENCE },
      schema: {
        tags: ['audit'],
        operationId: 'verifyAudit',
        summary:
          'Re-walk the hash chain, the chained signed checkpoints and their anchors outside the database',
        response: { 200: verifySchema, ...errors },
      },
    },
    async () => verifyWorkspaceAudit(ws),
  );
};
