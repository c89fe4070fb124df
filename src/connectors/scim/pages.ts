/**
 * Paging through a SCIM list: startIndex/count (RFC 7644 §3.4.2.4) or cursors (RFC 9865).
 * Pages may be shorter than asked (a server maximum), and resources shift while an index walk
 * is under way, so it advances by what arrived and yields each id once.
 * @see https://www.rfc-editor.org/rfc/rfc9865
 */
import { ScimOpError } from './errors.js';
import { field } from './paths.js';

type Json = Record<string, unknown>;
export type PageParams = { startIndex?: number; cursor?: string; count: number };
/** Fetches one ListResponse body. */
export type FetchPage = (params: PageParams) => Promise<unknown>;

/** Stops a server that never ends a walk (a cursor that repeats, totalResults that grows). */
const MAX_PAGES = 1_000_000;

export async function* pages(
  fetchPage: FetchPage,
  mode: 'index' | 'cursor',
  count: number,
): AsyncGenerator<Json[]> {
  const seen = new Set<string>();
  const fresh = (list: Json[]) =>
    list.filter((r) => {
      const id = field(r, 'id');
      if (typeof id !== 'string') return true;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  if (mode === 'cursor') {
    let cursor = '';
    const used = new Set<string>();
    for (let n = 0; n < MAX_PAGES; n++) {
      const body = await fetchPage({ cursor, count });
      yield fresh(resources(body));
      const next = field(body, 'nextCursor');
      if (typeof next !== 'string' || next === '' || used.has(next)) return;
      used.add(next);
      cursor = next;
    }
    return;
  }
  let startIndex = 1;
  for (let n = 0; n < MAX_PAGES; n++) {
    const body = await fetchPage({ startIndex, count });
    const list = resources(body);
    yield fresh(list);
    if (list.length === 0) return;
    startIndex += list.length;
    const total = Number(field(body, 'totalResults'));
    if (Number.isFinite(total) ? startIndex > total : list.length < count) return;
  }
}

export function resources(body: unknown): Json[] {
  const list = field(body, 'Resources');
  if (list === undefined) return []; // "no match" may come without the attribute
  if (!Array.isArray(list)) throw new ScimOpError('the list answer has no Resources array');
  return list.filter((r): r is Json => !!r && typeof r === 'object');
}
