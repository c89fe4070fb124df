/**
 * Finding a user by userName or a group by displayName with an `eq` filter, checked exactly by
 * the client. Values with `"` or `\` that a server cannot filter on (a 400, or no match) are
 * found by a `sw` filter on their safe prefix, or a full walk when there is none. A server whose
 * filter is case-sensitive (SCIMMY's is, against RFC 7643) is caught by `walk`, used after a 409.
 */
import { forEachLimit } from './concurrency.js';
import type { ScimCtx } from './context.js';
import { ScimHttpError } from './errors.js';
import { eqFilter, filterValue, isFragile, safePrefix, sameName } from './filter.js';
import { pages, resources } from './pages.js';
import { field } from './paths.js';

type Json = Record<string, unknown>;
export type Endpoint = { path: '/Users' | '/Groups'; attr: 'userName' | 'displayName' };
export const USERS: Endpoint = { path: '/Users', attr: 'userName' };
export const GROUPS: Endpoint = { path: '/Groups', attr: 'displayName' };

/** Resources whose name equals `value` (case-insensitively, as SCIM compares these names). */
export async function findByName(
  ctx: ScimCtx,
  e: Endpoint,
  value: string,
  opts: { extra?: Record<string, string>; walk?: boolean } = {},
): Promise<Json[]> {
  const extra = opts.extra ?? {};
  const exact = (list: Json[]) =>
    list.filter((r) => {
      const name = field(r, e.attr);
      return typeof name === 'string' && sameName(name, value);
    });
  let found: Json[] = [];
  try {
    const res = await ctx.http.send({
      method: 'GET',
      path: e.path,
      query: { filter: eqFilter(e.attr, value), ...extra },
    });
    found = exact(resources(res.body));
  } catch (err) {
    if (!(isFragile(value) && err instanceof ScimHttpError && err.status === 400)) throw err;
  }
  if (found.length > 0 || !(isFragile(value) || opts.walk)) return found;
  const prefix = opts.walk ? '' : safePrefix(value);
  const filter = prefix ? `${e.attr} sw ${filterValue(prefix)}` : undefined;
  if (!filter) ctx.log.warn({ [e.attr]: value }, `scim: walking every ${e.path} to find one name`);
  const fetchPage = async (p: { startIndex?: number; count: number }) =>
    (await ctx.http.send({ method: 'GET', path: e.path, query: { filter, ...extra, ...p } })).body;
  for await (const page of pages(fetchPage, 'index', ctx.settings.page_size))
    found.push(...exact(page));
  return found;
}

/**
 * Users by name, `batch` names per `or` filter: lower-cased name -> resource, or null when the
 * server has no such user. Names left out (fragile ones, or all of them when the server refuses
 * `or`) are looked up one by one by the caller.
 */
export async function findUsersBatched(
  ctx: ScimCtx,
  names: string[],
  batch: number,
): Promise<Map<string, Json | null>> {
  const out = new Map<string, Json | null>();
  // Sent as spelt: a server whose filter is case-sensitive (SCIMMY) must still find them.
  const byLower = new Map(names.filter((n) => !isFragile(n)).map((n) => [n.toLowerCase(), n]));
  const plain = [...byLower.values()];
  const chunks: string[][] = [];
  for (let i = 0; i < plain.length; i += batch) chunks.push(plain.slice(i, i + batch));
  let refused = false;
  await forEachLimit(chunks, ctx.settings.concurrency, async (chunk) => {
    if (refused) return;
    try {
      const res = await ctx.http.send({
        method: 'GET',
        path: USERS.path,
        query: {
          filter: chunk.map((n) => eqFilter(USERS.attr, n)).join(' or '),
          count: chunk.length,
        },
      });
      const list = resources(res.body);
      // Exactly matched by the client: a server that ignored the filter cannot mislead us.
      for (const n of chunk) out.set(n.toLowerCase(), null);
      for (const r of list) {
        const name = field(r, USERS.attr);
        if (typeof name === 'string' && out.has(name.toLowerCase())) out.set(name.toLowerCase(), r);
      }
    } catch (err) {
      if (!(err instanceof ScimHttpError && err.status === 400)) throw err;
      refused = true;
      ctx.log.warn(
        { error: err.message },
        'scim: the server refused an `or` filter; looking users up one by one',
      );
    }
  });
  return out;
}
