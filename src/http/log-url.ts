/**
 * URLs as they go into the logs: the path, and of the query only the names plus the values of
 * the API's own harmless filters. A caller may put a secret in any query parameter
 * (`?access_token=…`, the OIDC callback's one-time `code`), and logs travel further than the API.
 */

/** Query parameters whose values are filters, never secrets (see the routes' querystring schemas). */
const SHOWN = new Set([
  'limit',
  'cursor',
  'order',
  'status',
  'format',
  'since',
  'until',
  'action',
  'app',
  'missing',
  'privileged',
]);
const MAX_LOGGED = 2048;

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url.slice(0, MAX_LOGGED);
  const params = url
    .slice(q + 1)
    .split('&')
    .filter((p) => p !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      if (eq < 0) return name;
      return SHOWN.has(name) ? pair : `${name}=[redacted]`;
    });
  const out = params.length > 0 ? `${url.slice(0, q)}?${params.join('&')}` : url.slice(0, q);
  return out.slice(0, MAX_LOGGED);
}

/** pino serializers: any logged `url`, and Fastify's `req`, carry the redacted form only. */
export const logSerializers = {
  url: (url: unknown) => (typeof url === 'string' ? redactUrl(url) : url),
  req: (req: { method?: string; url?: string; id?: string }) => ({
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    id: req.id,
  }),
};
