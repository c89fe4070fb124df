/**
 * The one place mapping errors to HTTP: TenureError codes → status + RFC 9457 problem+json.
 * Anything unexpected is a bare 500 with the request id, never a message or a stack trace.
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { type ErrorCode, type ErrorKind, kindOf } from '../domain/error-codes.js';
import { isTenureError } from '../domain/errors.js';

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** Stable, safe to match in scripts (docs/api.md lists them). */
  code: string;
  instance: string;
  request_id: string;
  /** Validation problems, each naming the bad field: `body.role`, `querystring.limit`. */
  errors?: { path: string; message: string }[];
  [extra: string]: unknown;
};

/**
 * Each kind's status; `undefined`: operator-only (paths, SQL, config), the client gets a bare 500.
 * Every code's kind is in src/domain/error-codes.ts: there is no per-code status here.
 */
export const KIND_STATUS: Record<ErrorKind, number | undefined> = {
  invalid: 400,
  unprocessable: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  throttled: 429,
  too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  misconfigured: undefined,
  internal: undefined,
  // The import was stopped on purpose; the state of the workspace decides, as for a conflict.
  halted: 409,
  // RFC 4918's Insufficient Storage: the server, not the request, is at fault; retry once freed.
  disk_full: 507,
};

/** Codes whose problem carries `retry_after` (seconds), also sent as the Retry-After header. */
const RETRY_AFTER = new Set<ErrorCode>(['auth.throttled', 'auth.busy']);

export const statusFor = (code: ErrorCode): number | undefined => KIND_STATUS[kindOf(code)];

const TITLES: Partial<Record<ErrorCode, string>> = {
  'auth.unauthenticated': 'Sign-in required',
  'auth.invalid_credentials': 'Wrong username or password',
  'auth.forbidden': 'Your role does not allow this',
  'auth.csrf': 'Missing or wrong CSRF token',
  'auth.throttled': 'Too many failed sign-ins',
  'auth.busy': 'Too many sign-ins at once',
  'request.invalid': 'The request does not match the schema',
  'request.malformed_json': 'The body is not valid JSON',
  'request.body_too_large': 'The body is too large',
};

export const problemType = (code: string) => `urn:tenure:problem:${code}`;

export const problem = (
  req: FastifyRequest,
  status: number,
  code: string,
  detail?: string,
  extra: Record<string, unknown> = {},
): Problem => ({
  type: problemType(code),
  title: TITLES[code as ErrorCode] ?? STATUS_CODES[status] ?? 'Error',
  status,
  ...(detail !== undefined && { detail }),
  code,
  instance: `urn:tenure:request:${req.id}`,
  request_id: req.id,
  ...extra,
});

/** Fastify's own request errors (parsing, limits, schema validation) as problems. */
const fromFastify = (req: FastifyRequest, err: FastifyError): Problem | undefined => {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'request';
    const errors = err.validation.flatMap((v) => {
      const path = `${where}${v.instancePath === '/' ? '' : v.instancePath.replaceAll('/', '.')}`;
      // zod reports unknown fields once, on the parent: name each one instead.
      const keys = (v.params as { keys?: unknown }).keys;
      if (v.keyword === 'unrecognized_keys' && Array.isArray(keys))
        return keys.map((k) => ({ path: `${path}.${String(k)}`, message: 'unknown field' }));
      return [{ path, message: v.message ?? 'invalid' }];
    });
    const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    return problem(req, 400, 'request.invalid', detail, { errors });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(req, 413, 'request.body_too_large', err.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(req, 415, 'request.unsupported_media_type', 'send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(req, 400, 'request.invalid', 'the JSON body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem(req, 400, 'request.malformed_json', 'the body is not valid JSON');
  }
  if (err instanceof SyntaxError && err.statusCode === 400)
    return problem(req, 400, 'request.malformed_json', 'the body is not valid JSON');
  const status = err.statusCode;
  if (status !== undefined && status >= 400 && status < 500)
    return problem(req, status, 'request.bad', STATUS_CODES[status]);
  return undefined;
};

/** Maps any thrown value to the problem sent to the client; logs what the client must not see. */
export const toProblem = (req: FastifyRequest, err: unknown): Problem => {
  if (isTenureError(err)) {
    const status = statusFor(err.code);
    if (status !== undefined) {
      const extra = RETRY_AFTER.has(err.code) ? { retry_after: err.details.retry_after } : {};
      return problem(req, status, err.code, err.message, extra);
    }
  } else if (err && typeof err === 'object') {
    const known = fromFastify(req, err as FastifyError);
    if (known) return known;
  }
  req.log.error({ err }, 'unhandled error');
  return {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    code: 'internal',
    instance: `urn:tenure:request:${req.id}`,
    request_id: req.id,
  };
};

export const sendProblem = (reply: FastifyReply, p: Problem) => {
  if ((p.status === 429 || p.status === 503) && typeof p.retry_after === 'number')
    reply.header('retry-after', String(p.retry_after));
  if (p.status === 401) reply.header('www-authenticate', 'Bearer realm="tenure"');
  return reply.code(p.status).type('application/problem+json; charset=utf-8').send(p);
};
