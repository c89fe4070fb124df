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
import type { ExpressionBuilder } from 'kysely';
import type { HrRecord } from '../domain/types.js';
import type { Database } from './schema.js';

/** Folded for search: compatibility-decomposed, combining marks removed, lower case. */
export const foldForSearch = (s: string): string =>
  s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** The columns a name/email/id prefix is looked up in (each has an index of its own). */
export const SEARCH_COLUMNS = [
  'fold_id',
  'fold_first',
  'fold_last',
  'fold_preferred',
  'fold_email',
] as const;

export type SearchColumns = Record<(typeof SEARCH_COLUMNS)[number], string> & {
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

/** `words` as a filter: each word a prefix of one of the search columns. */
export const matchesWords = (eb: ExpressionBuilder<Database, 'identities'>, words: string[]) =>
  eb.and(
    words.map((w) => {
      const end = prefixEnd(w);
      return eb.or(
        SEARCH_COLUMNS.map((c) =>
          end === undefined ? eb(c, '>=', w) : eb.and([eb(c, '>=', w), eb(c, '<', end)]),
        ),
      );
    }),
  );
