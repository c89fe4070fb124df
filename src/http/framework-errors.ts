/**
 * Errors Fastify and Node answer before any route or hook runs — a malformed URL, a path parameter
 * longer than the router allows, an oversized or garbled request head — as the same problem+json,
 * with a request id and the same security headers as every other response.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem, toProblem } from './errors.js';

/** Sent on every response (onSend hook) and on the ones no hook sees (below). */
export const securityHeaders = (https: boolean): Record<string, string> => ({
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  ...(https && { 'strict-transport-security': 'max-age=31536000' }),
});

/** Fastify's `frameworkErrors`: the router refused the URL before routing. */
export const frameworkErrors =
  (https: boolean) => (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    reply.headers({
      ...securityHeaders(https),
      'x-request-id': req.id,
      'cache-control': 'no-store',
    });
    const p =
      err.code === 'FST_ERR_BAD_URL'
        ? problem(req, 400, 'request.bad_url', 'the URL is not validly percent-encoded')
        : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? problem(req, 414, 'request.param_too_long', 'a path parameter is too long')
          : toProblem(req, err);
    return sendProblem(reply, p);
  };

const CLIENT_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'request.headers_too_large',
    detail: 'the request headers are too large',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request.timeout',
    detail: 'the request took too long to arrive',
  },
};

/**
 * Node's `clientError`: the request head could not be parsed, so there is no request object —
 * write the problem on the socket ourselves, with a fresh request id.
 */
export const clientErrorHandler =
  (https: boolean) => (err: Error & { code?: string }, socket: Socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const known = CLIENT_ERRORS[err.code ?? ''] ?? {
      status: 400,
      code: 'request.bad',
      detail: 'the request is not valid HTTP',
    };
    const id = randomUUID();
    const body = JSON.stringify(
      problem({ id } as FastifyRequest, known.status, known.code, known.detail),
    );
    const headers = {
      'content-type': 'application/problem+json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'x-request-id': id,
      'cache-control': 'no-store',
      connection: 'close',
      ...securityHeaders(https),
    };
    if (socket.writable) {
      const head = Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n');
      socket.write(
        `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\n${head}\r\n\r\n${body}`,
      );
    }
    socket.destroy(err);
  };
