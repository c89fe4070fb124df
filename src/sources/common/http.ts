/**
 * The vendor HTTP client: JSON over fetch with a timeout per attempt; 429/502/503/504 and network
 * errors retried a bounded number of times, honouring Retry-After (seconds or HTTP-date); 401/403
 * never retried (HiBob's firewall blocks callers that repeat them). Logs method, path and status
 * only: never a header, so never a credential.
 */
import { TenureError } from '../../domain/errors.js';
import type { SourceLogger } from '../contract.js';
import type { HttpSettings } from './config.js';
import { backoffMs, retryAfterMs } from './retry-after.js';

export type VendorRequest = {
  method: 'GET' | 'POST';
  /** Appended to the base URL. */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** 404 is an answer here (that person does not exist), not an error. */
  allowNotFound?: boolean;
};

export type VendorResponse = {
  status: number;
  /** Parsed JSON (undefined for an empty 404). */
  body: unknown;
  /** The raw bytes, for the snapshot's SHA-256. */
  bytes: Buffer;
};

export type VendorHttpOptions = {
  /** "BambooHR", "HiBob", "Workday": how messages name the other side. */
  vendor: string;
  baseUrl: string;
  /** The Authorization header value, resolved at each request (secrets are resolved at use). */
  authorization: () => string;
  /** Who a 401/403 refused, e.g. `the API key ${env:BAMBOOHR_API_KEY}` (a reference, never a value). */
  credential: string;
  /** What the operator should check after a 401/403. */
  authAdvice: string;
  settings: HttpSettings;
  fetch: typeof fetch;
  log: SourceLogger;
  /** Response header carrying the vendor's error text (BambooHR: X-BambooHR-Error-Message). */
  errorHeader?: string;
  /** Tests: a clock and a sleep of their own. */
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
};

export type VendorHttp = { request(req: VendorRequest): Promise<VendorResponse> };

const RETRYABLE = new Set([429, 502, 503, 504]);
const sleeper = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createVendorHttp(o: VendorHttpOptions): VendorHttp {
  const now = o.now ?? (() => new Date());
  const sleep = o.sleep ?? sleeper;
  const timeoutMs = o.settings.timeout_seconds * 1000;
  const maxWaitMs = o.settings.max_retry_wait_seconds * 1000;

  const parse = (req: VendorRequest, status: number, bytes: Buffer): VendorResponse => {
    // A 404 body is whatever the vendor's front end says (often HTML): the status is the answer.
    if (status === 404) return { status, body: undefined, bytes };
    try {
      return { status, body: JSON.parse(bytes.toString('utf8')), bytes };
    } catch (e) {
      throw new TenureError(
        'hr.vendor_response',
        `${o.vendor} ${req.method} ${req.path}: the answer is not JSON (${(e as Error).message})`,
        { vendor: o.vendor, status },
      );
    }
  };

  async function request(req: VendorRequest): Promise<VendorResponse> {
    const url = new URL(o.baseUrl.replace(/\/$/, '') + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    const where = `${req.method} ${url.pathname}`;
    for (let attempt = 0; ; attempt++) {
      let failure: string;
      let wait: number | undefined;
      try {
        const res = await o.fetch(url, {
          method: req.method,
          headers: {
            accept: 'application/json',
            authorization: o.authorization(),
            ...(req.body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(req.body !== undefined && { body: JSON.stringify(req.body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const bytes = Buffer.from(await res.arrayBuffer());
        if (res.ok || (res.status === 404 && req.allowNotFound))
          return parse(req, res.status, bytes);
        const said = o.errorHeader ? res.headers.get(o.errorHeader) : null;
        const detail = said ? ` (${said.slice(0, 200)})` : '';
        if (res.status === 401 || res.status === 403) {
          throw new TenureError(
            'hr.vendor_auth',
            `${o.vendor} refused ${o.credential} with ${res.status} on ${where}${detail}: ` +
              `${o.authAdvice}. Not retried: repeated authentication failures get the caller blocked`,
            { vendor: o.vendor, status: res.status },
          );
        }
        if (!RETRYABLE.has(res.status)) {
          throw new TenureError(
            'hr.vendor_http',
            `${o.vendor} answered ${res.status} to ${where}${detail}`,
            { vendor: o.vendor, status: res.status },
          );
        }
        failure = `HTTP ${res.status}${detail}`;
        wait = retryAfterMs(res.headers.get('retry-after'), now());
      } catch (e) {
        if (e instanceof TenureError) throw e;
        const err = e as Error;
        failure =
          err.name === 'TimeoutError'
            ? `no answer within ${o.settings.timeout_seconds} s`
            : `network error (${err.message})`;
      }
      if (attempt >= o.settings.max_retries) {
        throw new TenureError(
          'hr.vendor_unavailable',
          `${o.vendor} ${where}: ${failure}, still after ${attempt + 1} attempts`,
          { vendor: o.vendor, attempts: attempt + 1 },
        );
      }
      const delay = wait ?? backoffMs(attempt, Math.max(1000, maxWaitMs));
      if (delay > maxWaitMs) {
        throw new TenureError(
          'hr.vendor_unavailable',
          `${o.vendor} ${where}: ${failure} and Retry-After asks for ${Math.ceil(delay / 1000)} s, ` +
            `more than http.max_retry_wait_seconds (${o.settings.max_retry_wait_seconds})`,
          { vendor: o.vendor, retry_after_ms: delay },
        );
      }
      o.log.warn(
        { vendor: o.vendor, request: where, failure, attempt: attempt + 1, wait_ms: delay },
        'HR system asked to retry later',
      );
      await sleep(delay);
    }
  }
  return { request };
}

/** `Basic base64(user:password)`, the scheme BambooHR, HiBob and Workday ISUs share. */
export const basicAuth = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
