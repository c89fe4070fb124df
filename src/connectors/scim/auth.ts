/**
 * The Authorization header for each request: a static bearer token, or an OAuth 2.0
 * client-credentials access token fetched on demand, shared by concurrent requests, renewed
 * before it expires and after a 401. Secrets are resolved at use and never logged.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
import { ScimAuthError } from './errors.js';
import type { ScimSettings } from './settings.js';

export type Auth = {
  header(): Promise<string>;
  /** The server refused `used`: fetch a new token next time. False if renewing cannot help. */
  renew(used: string): boolean;
  describe(): string;
};

/** Renew this long before the announced expiry, so a token never dies in flight. */
const EARLY_MS = 30_000;

export function createAuth(
  s: ScimSettings['auth'],
  secret: (ref: string) => string,
  timeoutMs: number,
): Auth {
  if (s.type === 'bearer') {
    return {
      header: async () => `Bearer ${secret(s.token)}`,
      renew: () => false,
      describe: () => `bearer token ${s.token}`,
    };
  }
  let current: Promise<{ token: string; until: number }> | undefined;
  const fetchToken = async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (s.scope) body.set('scope', s.scope);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const clientSecret = secret(s.client_secret);
    if (s.client_auth === 'basic') {
      // RFC 6749 §2.3.1: both parts form-encoded before base64.
      const pair = `${encodeURIComponent(s.client_id)}:${encodeURIComponent(clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    } else {
      body.set('client_id', s.client_id);
      body.set('client_secret', clientSecret);
    }
    let res: Response;
    try {
      // No caller's signal: the token is shared, one aborted request must not fail the others.
      res = await fetch(s.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      throw new ScimAuthError(
        `OAuth token request to ${s.url} failed: ${cause ?? (e as Error).message}`,
      );
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // reported below
    }
    if (!res.ok || typeof json.access_token !== 'string') {
      const why = typeof json.error === 'string' ? json.error : 'no access_token in the answer';
      throw new ScimAuthError(
        `OAuth token request to ${s.url} as client "${s.client_id}": ${res.status} ${why}`,
      );
    }
    const ttl = typeof json.expires_in === 'number' ? json.expires_in * 1000 : 3_600_000;
    return { token: json.access_token, until: Date.now() + Math.max(0, ttl - EARLY_MS) };
  };
  let last: string | undefined; // the header of the newest token, to renew it once per 401 wave
  const obtain = () => {
    const p = fetchToken();
    current = p;
    p.then(
      (t) => {
        if (current === p) last = `Bearer ${t.token}`;
      },
      () => {
        if (current === p) current = undefined;
      },
    );
    return p;
  };
  return {
    async header() {
      let p = current ?? obtain();
      let t = await p;
      if (Date.now() >= t.until) {
        p = current === p ? obtain() : (current ?? obtain());
        t = await p;
      }
      return `Bearer ${t.token}`;
    },
    renew(used) {
      if (used === last) {
        current = undefined;
        last = undefined;
      }
      return true;
    },
    describe: () => `OAuth client credentials (client "${s.client_id}" at ${s.url})`,
  };
}
