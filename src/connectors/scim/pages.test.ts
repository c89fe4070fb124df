import { describe, expect, it } from 'vitest';
import { type PageParams, pages } from './pages.js';

const users = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${i}` }));

async function walk(
  fetchPage: (p: PageParams) => Promise<unknown>,
  mode: 'index' | 'cursor',
  count: number,
) {
  const asked: PageParams[] = [];
  const ids: string[] = [];
  for await (const page of pages(
    async (p) => {
      asked.push(p);
      return fetchPage(p);
    },
    mode,
    count,
  ))
    ids.push(...page.map((r) => String(r.id)));
  return { asked, ids };
}

describe('SCIM paging', () => {
  const all = users(7);
  const byIndex = (max: number) => async (p: PageParams) => {
    const start = p.startIndex! - 1;
    const list = all.slice(start, start + Math.min(p.count, max));
    return {
      totalResults: all.length,
      startIndex: p.startIndex,
      itemsPerPage: list.length,
      Resources: list,
    };
  };

  it('walks startIndex by what arrived, also when the server caps pages below count', async () => {
    const full = await walk(byIndex(100), 'index', 3);
    expect(full.ids).toEqual(all.map((u) => u.id));
    expect(full.asked.map((p) => p.startIndex)).toEqual([1, 4, 7]);
    const capped = await walk(byIndex(2), 'index', 3);
    expect(capped.ids).toEqual(all.map((u) => u.id));
    expect(capped.asked.map((p) => p.startIndex)).toEqual([1, 3, 5, 7]);
  });

  it('yields each id once when resources shift between pages', async () => {
    let calls = 0;
    const shifting = async (p: PageParams) => {
      // A resource is inserted at the front after the first page: the next page repeats one.
      const list = calls++ === 0 ? all : [{ id: 'new' }, ...all];
      const start = p.startIndex! - 1;
      return { totalResults: list.length, Resources: list.slice(start, start + p.count) };
    };
    const { ids } = await walk(shifting, 'index', 3);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stops on an empty page, and when a server returns everything at once', async () => {
    expect((await walk(async () => ({ Resources: [] }), 'index', 3)).asked).toHaveLength(1);
    const ignoresCount = await walk(async () => ({ totalResults: 7, Resources: all }), 'index', 3);
    expect(ignoresCount.ids).toHaveLength(7);
    expect(ignoresCount.asked).toHaveLength(1);
  });

  it('follows RFC 9865 cursors until none is returned', async () => {
    const byCursor = async (p: PageParams) => {
      const start = p.cursor ? Number(p.cursor) : 0;
      const next = start + p.count < all.length ? String(start + p.count) : undefined;
      return {
        Resources: all.slice(start, start + p.count),
        ...(next ? { nextCursor: next } : {}),
      };
    };
    const { ids, asked } = await walk(byCursor, 'cursor', 3);
    expect(ids).toEqual(all.map((u) => u.id));
    expect(asked.map((p) => p.cursor)).toEqual(['', '3', '6']);
  });

  it('rejects an answer without a Resources list', async () => {
    await expect(walk(async () => ({ Resources: 'x' }), 'index', 3)).rejects.toThrow(/Resources/);
  });
});
