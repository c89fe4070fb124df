/**
 * Identity search for the console: name, email and id *prefixes*, as B-tree range scans that run
 * the same on SQLite and PostgreSQL.
 *
 * Why folded columns and ranges, not LIKE, full-text search or trigrams:
 * - `lower(x) LIKE 'ab%'` only uses an index under conditions that differ by database (SQLite:
 *   `case_sensitive_like` or a NOCASE index; PostgreSQL: `text_pattern_ops` or the C collation),
 *   and `lower()` folds only ASCII on SQLite (and on PostgreSQL with a C ctype), so `Élodie`
 *   would match differently per database. We fold in JavaScript instead (NFKD, marks removed,
 *   lower case: `élodie`, `elodie` and `Elodie` all find `Élodie`) and store the folded values
 *   in columns of their own, written by the one write path (identities-repo `save`).
 * - A prefix `p` is then the range `p <= col < succ(p)`, exact under byte-wise ordering: SQLite's
 *   BINARY collation, and the columns are `COLLATE "C"` on PostgreSQL (migration 20261203_0001),
 *   whatever the database's default collation is.
 * - SQLite FTS5 and PostgreSQL tsvector/pg_trgm would be two implementations with different
 *   tokenising and ranking (and pg_trgm needs an extension a managed database may refuse); a
 *   console search box needs prefix matches on a few fields, which plain indexes answer in
 *   milliseconds at 100,000 identities (bench/identity-search.bench.ts).
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { HrRecord } from '../domain/types.js';
import type { Database } from './schema.js';

/** Folded for search: compatibility-decomposed, combining marks removed, lower case. */
export const foldForSearch = (s: string): string =>
  s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** The columns a name/email/id prefix is looked up in (each has a (column, id) index). */
export const SEARCH_COLUMNS = [
  'fold_id',
  'fold_first',
  'fold_last',
  'fold_preferred',
  'fold_email',
] as const;

type SearchColumn = (typeof SEARCH_COLUMNS)[number];
export type SearchColumns = Record<SearchColumn, string> & {
  department: string;
};

/** What identities-repo writes beside the attributes (and the migration backfills). */
export const searchColumns = (id: string, a: HrRecord): SearchColumns => ({
  fold_id: foldForSearch(id),
  fold_first: foldForSearch(a.first_name),
  fold_last: foldForSearch(a.last_name),
  fold_preferred: foldForSearch(a.preferred_name ?? ''),
  fold_email: foldForSearch(a.email),
  department: a.department,
});

/** At most this many words of a query are matched (each one narrows the result). */
const MAX_WORDS = 5;

/** The query's words, folded: every one must be a prefix of the id, a name or the email. */
export const searchWords = (q: string): string[] =>
  foldForSearch(q).split(/\s+/).filter(Boolean).slice(0, MAX_WORDS);

/**
 * The smallest string greater than every string starting with `p`, in code point (= UTF-8 byte)
 * order: `p` with its last code point incremented. Undefined if there is none (U+10FFFF).
 */
export const prefixEnd = (p: string): string | undefined => {
  const chars = [...p];
  const last = chars.pop()?.codePointAt(0);
  if (last === undefined || last >= 0x10ffff) return undefined;
  // Skip the surrogate range, which no well-formed string holds.
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
  return chars.join('') + String.fromCodePoint(next);
};

const range = (eb: ExpressionBuilder<Database, 'identities'>, column: SearchColumn, w: string) => {
  const end = prefixEnd(w);
  return end === undefined
    ? eb(column, '>=', w)
    : eb.and([eb(column, '>=', w), eb(column, '<', end)]);
};

/**
 * The ids one word finds: a range scan of each column's (column, id) index, index-only, glued
 * with UNION ALL (the `id IN (…)` it feeds drops duplicates). Used as `id IN (…)`, both databases
 * then walk the matches by primary key in id order and stop at the page's end, where an OR of
 * ranges would fetch and sort every match's row first (~20 ms for a common 3-letter prefix at
 * 100,000 identities, against ~1 ms).
 */
export const idsMatching = (db: Kysely<Database>, w: string) => {
  const [first, ...rest] = SEARCH_COLUMNS.map((c) =>
    db
      .selectFrom('identities')
      .select('id')
      .where((eb) => range(eb, c, w)),
  );
  return rest.reduce((all, q) => all.unionAll(q), first!);
};

/**
 * A filter for the query's words: each word's ids (`idsMatching`), intersected. Intersecting id
 * sets from the indexes beats checking the other words on each candidate's row (which needs
 * the row: ~5 times slower for "ada mu" at 100,000 identities).
 */
export const matchesWords = (
  db: Kysely<Database>,
  eb: ExpressionBuilder<Database, 'identities'>,
  words: string[],
) => eb.and(words.map((w) => eb('id', 'in', idsMatching(db, w))));

/** How many identities every word finds: the words' id sets intersected, from the indexes only. */
export async function countMatching(db: Kysely<Database>, words: string[]): Promise<number> {
  const sets = words.map((w) => db.selectFrom(idsMatching(db, w).as('m')).select('m.id'));
  const both = sets.slice(1).reduce((all, set) => all.intersect(set), sets[0]!);
  const row = await db
    .selectFrom(both.as('x'))
    .select((eb) => eb.fn.count<number | string>('x.id').distinct().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
