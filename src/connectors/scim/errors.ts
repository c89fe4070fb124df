/**
 * What a SCIM failure means for an operation: transient (retried with backoff), an authentication
 * failure (stops the batch: every other request would fail the same way), or permanent (a
 * `failure` result with the server's status, scimType and detail).
 * @see https://www.rfc-editor.org/rfc/rfc7644#section-3.12
 */

/** A non-2xx answer. */
export class ScimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: string | null,
    readonly detail: string,
    readonly request: string,
  ) {
    super(`${request}: ${status}${scimType ? ` ${scimType}` : ''}${detail ? `: ${detail}` : ''}`);
    this.name = 'ScimHttpError';
  }
}

/** The server refused the credentials (401, or 403 on every request), or no token could be had. */
export class ScimAuthError extends Error {
  override name = 'ScimAuthError';
}

/** No answer: connection refused or reset, DNS, TLS, or the request timed out. */
export class ScimNetworkError extends Error {
  override name = 'ScimNetworkError';
}

/** A failure the connector itself decided on (not found, owned by someone else, bad mapping). */
export class ScimOpError extends Error {
  override name = 'ScimOpError';
}

/**
 * Worth another attempt after re-reading: no answer, server errors, and a lost If-Match race.
 * 429 and 503 are not: the HTTP layer already waited and retried them as the server asked.
 */
export function isTransient(e: unknown): boolean {
  if (e instanceof ScimNetworkError) return true;
  if (e instanceof ScimHttpError) return (e.status >= 500 && e.status !== 503) || e.status === 412;
  return false;
}

export const describeError = (e: unknown): string =>
  e instanceof Error ? e.message : `unexpected error: ${String(e)}`;

/** Parses a SCIM Error body (`status` may be a string or a number; some servers send neither). */
export function errorFromBody(status: number, body: unknown, request: string): ScimHttpError {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const detail =
    typeof b.detail === 'string'
      ? b.detail
      : typeof b.message === 'string'
        ? b.message
        : typeof body === 'string'
          ? body.slice(0, 300)
          : '';
  const scimType = typeof b.scimType === 'string' ? b.scimType : null;
  return new ScimHttpError(status, scimType, detail, request);
}
