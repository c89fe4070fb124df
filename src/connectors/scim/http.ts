/**
 * One SCIM request over fetch: pacing (rate limit, Retry-After pauses), credentials (renewed once
 * after a 401), a timeout, and the answer parsed or turned into a typed error. 429/503 are
 * retried here (the server did not act on the request); everything else is the caller's call.
 * @see https://www.rfc-editor.org/rfc/rfc7644#section-3.12
 */
import type { ConnectorLogger } from '../contract.js';
import type { Auth } from './auth.js';
import { errorFromBody, ScimAuthError, ScimHttpError, ScimNetworkError } from './errors.js';
import { queryString } from './filter.js';
import { parseRetryAfter, type RateLimiter } from './rate-limit.js';

export type ScimRequest = {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Relative to base_url, e.g. `/Users/2819c223`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** meta.version of the resource as last read: sent as If-Match. */
  ifMatch?: string | null;
};

export type ScimResponse = { status: number; body: unknown };

export type ScimHttp = {
  send(req: ScimRequest): Promise<ScimResponse>;
  /** Requests sent (including retries), for tests and benches. */
  stats: { requests: number; throttled: number };
};

export type HttpOptions = {
  baseUrl: string;
  auth: Auth;
  limiter: RateLimiter;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxRetryAfterMs: number;
  signal?: AbortSignal;
  log: ConnectorLogger;
};

const JSON_TYPES = 'application/scim+json, application/json;q=0.9';

export function createHttp(o: HttpOptions): ScimHttp {
  const base = o.baseUrl.replace(/\/+$/, '');
  const stats = { requests: 0, throttled: 0 };

  async function send(req: ScimRequest): Promise<ScimResponse> {
    const url = `${base}${req.path}${queryString(req.query ?? {})}`;
    const label = `${req.method} ${req.path}`;
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      await o.limiter.take(o.signal);
      const authorization = await o.auth.header();
      const headers: Record<string, string> = { accept: JSON_TYPES, authorization };
      if (req.body !== undefined) headers['content-type'] = 'application/scim+json';
      if (req.ifMatch) headers['if-match'] = req.ifMatch;
      const timeout = AbortSignal.timeout(o.timeoutMs);
      let res: Response;
      stats.requests++;
      try {
        res = await fetch(url, {
          method: req.method,
          headers,
          ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
          signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout,
        });
      } catch (e) {
        if (timeout.aborted)
          throw new ScimNetworkError(`timed out after ${o.timeoutMs} ms: ${label}`);
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        throw new ScimNetworkError(
          `server unreachable: ${cause?.message ?? (e as Error).message} (${label})`,
        );
      }
      let body: unknown;
      try {
        body = await readBody(res, label);
      } catch (e) {
        if (e instanceof ScimHttpError) throw e;
        // The answer broke off (reset, or the timeout struck while it was arriving).
        throw new ScimNetworkError(
          `${timeout.aborted ? `timed out after ${o.timeoutMs} ms` : 'answer cut off'}: ${label}`,
        );
      }
      if (res.status === 429 || res.status === 503) {
        stats.throttled++;
        const asked = parseRetryAfter(res.headers.get('retry-after'), Date.now());
        const wait = asked ?? o.backoffMs * 2 ** attempt;
        const err = errorFromBody(res.status, body, label);
        if (attempt >= o.retries)
          throw new ScimHttpError(
            res.status,
            err.scimType,
            `${err.detail || 'throttled'} (gave up after ${o.retries} retries)`,
            label,
          );
        if (wait > o.maxRetryAfterMs)
          throw new ScimHttpError(
            res.status,
            err.scimType,
            `Retry-After ${Math.ceil(wait / 1000)} s exceeds max_retry_after_ms (${o.maxRetryAfterMs} ms)`,
            label,
          );
        // Every request of this application waits, not just this one: the server is saturated.
        o.limiter.pause(wait);
        o.log.warn(
          { status: res.status, wait_ms: wait, request: label },
          'scim: throttled by the server',
        );
        continue;
      }
      if (res.status === 401) {
        if (!renewed && o.auth.renew(authorization)) {
          renewed = true;
          continue;
        }
        const detail = errorFromBody(401, body, label).detail;
        throw new ScimAuthError(
          `${label}: 401 Unauthorized: the server refused the ${o.auth.describe()}${detail ? ` (${detail})` : ''}`,
        );
      }
      if (!res.ok) throw errorFromBody(res.status, body, label);
      return { status: res.status, body };
    }
  }
  return { send, stats };
}

async function readBody(res: Response, label: string): Promise<unknown> {
  const text = await res.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (!res.ok) return text;
    throw new ScimHttpError(res.status, null, 'the answer is not JSON', label);
  }
}
