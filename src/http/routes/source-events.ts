/**
 * POST /api/v1/sources/{id}/events: an HR change event, authenticated by its HMAC signature (not
 * by a session), so RBAC `public`. The signature covers the raw bytes: this plugin's own
 * content-type parser keeps the body as a Buffer (scoped here; the rest of the API parses JSON).
 */
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ErrorCode, isTenureError } from '../../domain/errors.js';
import { receiveSourceEvent } from '../../engine/webhook/receive.js';
import { isVendorWebhookSource, receiveVendorEvent } from '../../engine/webhook/vendor-event.js';
import { SIGNATURE_HEADER } from '../../sources/common/tenure-signature.js';
import { problem, sendProblem, statusFor } from '../errors.js';
import { errors, MAX_PARAM_LENGTH } from '../schemas.js';
import type { RouteModule, SchedulerHandle } from '../types.js';

/** An HR event is one person: a few KiB. */
const BODY_LIMIT = 64 * 1024;

/** Refusals, each a 4xx problem+json (and a `webhook.refused` audit event). */
/** Their statuses follow their kinds; `webhook.source_unavailable` is a 503 the vendor retries. */
export const WEBHOOK_REFUSALS = new Set<ErrorCode>([
  'webhook.bad_signature',
  'webhook.stale',
  'webhook.replay',
  'webhook.invalid',
  'webhook.unknown_source',
  'webhook.unknown_identity',
  'webhook.source_unavailable',
]);

const acceptedSchema = z
  .object({
    identity_id: z.string(),
    source_id: z.string(),
    events: z.array(z.string()).describe('lifecycle events the record caused'),
    job_id: z.number().int().describe('the queued run for this person'),
    deduped: z.boolean().describe('a run for this person was already queued and will see it'),
  })
  .meta({ id: 'AcceptedSourceEvent' });

/** The answer to an HR system's own webhook format (BambooHR, HiBob, Workday): docs/hr-sources.md. */
const vendorAcceptedSchema = z
  .object({
    source_id: z.string(),
    type: z.string().describe("the vendor's event type; `ping` for a subscription check"),
    people: z
      .array(
        z.object({
          identity_id: z.string(),
          events: z.array(z.string()),
          job_id: z.number().int(),
          deduped: z.boolean(),
        }),
      )
      .describe('each person re-read from the HR system, with the run queued for them alone'),
    rejected: z.array(z.object({ employee_id: z.string().nullable(), reason: z.string() })),
    not_found: z.array(z.string()).describe('vendor ids the HR system no longer knows'),
  })
  .meta({ id: 'AcceptedVendorEvent' });

/** The worker of this process picks the run up at once instead of at its next poll. */
const poke = (scheduler: SchedulerHandle | undefined) => {
  const s = scheduler as { poke?: () => void } | undefined;
  if (typeof s?.poke === 'function') s.poke();
};

export const sourceEventsRoutes: RouteModule = async (app, deps) => {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/sources/:id/events',
      {
        config: { rbac: 'public' },
        schema: {
          tags: ['sources'],
          operationId: 'receiveSourceEvent',
          summary: 'HR change event for one person (HMAC-signed webhook): runs for that person',
          description: `Signed with the source's webhook secret: header \`${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">\`, within ±300 s. Body: {"employee_id", "event_id"?, "record"?: {HR fields}}. See docs/api.md#webhooks. Sources of type bamboohr and hibob take their vendor's own webhook instead (X-BambooHR-Signature, Bob-Signature) and re-read the people named: docs/hr-sources.md.`,
          security: [],
          params: z.object({ id: z.string().max(MAX_PARAM_LENGTH) }),
          response: { 202: z.union([acceptedSchema, vendorAcceptedSchema]), ...errors },
        },
      },
      async (req, reply) => {
        const header = req.headers[SIGNATURE_HEADER];
        try {
          // BambooHR, HiBob and Workday sources verify their vendor's format and re-read the people.
          if (isVendorWebhookSource(deps.ws, req.params.id)) {
            const accepted = await receiveVendorEvent(deps.ws, {
              sourceId: req.params.id,
              body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
              signature: undefined,
              headers: req.headers,
              remote: req.ip,
              requestId: req.id,
            });
            poke(deps.scheduler);
            return reply.code(202).send(accepted);
          }
          const accepted = await receiveSourceEvent(deps.ws, {
            sourceId: req.params.id,
            body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
            signature: typeof header === 'string' ? header : undefined,
            remote: req.ip,
            requestId: req.id,
          });
          poke(deps.scheduler);
          return reply.code(202).send(accepted);
        } catch (e) {
          if (!isTenureError(e) || !WEBHOOK_REFUSALS.has(e.code)) throw e;
          return sendProblem(reply, problem(req, statusFor(e.code) ?? 400, e.code, e.message));
        }
      },
    );
  });
};
