/**
 * buildApp(deps): the control plane's Fastify instance — no globals, so tests build many.
 * Order matters: RBAC runs in onRequest (before the body is read), errors go through errors.ts.
 */
import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import Fastify, { LogController } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { authSchema, serverSchema } from '../config/server-schema.js';
import { TenureError } from '../domain/errors.js';
import { createHashGate } from './auth/hash-gate.js';
import { createOidcClient } from './auth/oidc.js';
import { createLoginThrottle } from './auth/throttle.js';
import { problem, sendProblem, toProblem } from './errors.js';
import { clientErrorHandler, frameworkErrors, securityHeaders } from './framework-errors.js';
import { findDuplicateKey } from './json-duplicates.js';
import { logSerializers } from './log-url.js';
import { createMetrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { rbacHook } from './rbac.js';
import { routeModules } from './routes/index.js';
import { MAX_PARAM_LENGTH } from './schemas.js';
import type { AppDeps, AppServices, BuildAppOptions, TenureApp } from './types.js';

/** A caller's X-Request-Id is kept only if it is harmless in logs and headers. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const genReqId = (req: { headers: Record<string, string | string[] | undefined> }) => {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
};

/**
 * Fastify's own JSON parser (which already refuses `__proto__` and `constructor.prototype`), then
 * a scan for keys given twice: `400 request.duplicate_json_key` naming the key.
 */
const refuseDuplicateJsonKeys = (app: TenureApp) => {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, raw, done) => {
    // parseAs 'string': Fastify hands over a string (the type also allows a Buffer).
    const body = String(raw);
    parse(req, body, (err, value) => {
      if (err) return done(err, undefined);
      const dup = findDuplicateKey(body);
      if (dup)
        return done(
          new TenureError(
            'request.duplicate_json_key',
            `the JSON body gives the key "${dup.key}" more than once (body.${dup.path})`,
            { key: dup.key, path: `body.${dup.path}` },
          ),
          undefined,
        );
      done(null, value);
    });
  });
};

export type RegisteredRoute = { method: string; url: string; rbac: unknown };

export type BuiltApp = TenureApp & { routesTable: RegisteredRoute[]; services: AppServices };

export async function buildApp(opts: BuildAppOptions): Promise<BuiltApp> {
  const { ws } = opts;
  const clock = opts.clock ?? ws.clock;
  const log = opts.log ?? ws.log;
  const server = serverSchema.parse({ ...ws.config.server, ...opts.server });
  const auth = authSchema.parse({ ...ws.config.auth, ...opts.auth });

  const app = Fastify({
    // Query strings can hold secrets: every logged URL is redacted (log-url.ts).
    loggerInstance: log.child({}, { serializers: logSerializers }),
    // One line per request from our onResponse hook (with actor, without secrets) instead.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId,
    requestIdHeader: false,
    bodyLimit: server.body_limit_bytes,
    trustProxy: server.trust_proxy,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    // The longest path parameter the OpenAPI document allows: a longer one is 414 at the router.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkErrors(opts.https !== undefined),
    clientErrorHandler: clientErrorHandler(opts.https !== undefined),
    ...(opts.https && { https: opts.https }),
  }).withTypeProvider() as unknown as TenureApp;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  refuseDuplicateJsonKeys(app);
  await app.register(fastifyCookie);
  app.decorateRequest('principal', null);

  let busy: string | null = null;
  const services: AppServices = {
    server,
    auth,
    metrics: createMetrics(),
    throttle: createLoginThrottle(ws.store, auth.throttle, clock),
    hashGate: createHashGate(),
    oidc: auth.oidc ? createOidcClient(auth.oidc, log) : undefined,
    async audit(events) {
      await ws.store.audit.append(events);
    },
    exclusive(what, fn) {
      if (busy !== null)
        return Promise.reject(
          new TenureError(
            'run.in_progress',
            `a ${busy} is in progress in this process; try again when it ends`,
          ),
        );
      busy = what;
      return fn().finally(() => {
        busy = null;
      });
    },
    state: { closing: false, started_at: Date.now() },
  };
  const deps: AppDeps = {
    ws,
    clock,
    log,
    services,
    ...(opts.scheduler && { scheduler: opts.scheduler }),
    ...(opts.agentsOnline && { agentsOnline: opts.agentsOnline }),
  };

  const routesTable: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      routesTable.push({ method, url: route.url, rbac: route.config?.rbac });
  });
  app.addHook('onRequest', rbacHook(deps));
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    reply.headers(securityHeaders(opts.https !== undefined));
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.is404 ? '(unmatched)' : (req.routeOptions.url ?? req.url);
    services.metrics.observe(req.method, route, reply.statusCode, reply.elapsedTime / 1000);
    req.log.info(
      {
        method: req.method,
        url: req.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        actor: req.principal?.actor ?? null,
        ip: req.ip,
      },
      'request',
    );
  });
  app.setErrorHandler((err, req, reply) => sendProblem(reply, toProblem(req, err)));
  app.setNotFoundHandler((req, reply) =>
    sendProblem(
      reply,
      problem(req, 404, 'request.not_found', `no route ${req.method} ${req.url.split('?')[0]}`),
    ),
  );

  await registerOpenApi(app);
  for (const register of routeModules) await register(app, deps);
  return Object.assign(app, { routesTable, services });
}
