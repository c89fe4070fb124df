/** Migration: usernames unique regardless of case (`Admin` and `admin` are one account). */
import { type Kysely, type Migration, sql } from 'kysely';

export const usernameCaseMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    // Two existing accounts that differ only in case cannot be merged for the operator: which one
    // keeps its sessions, tokens and audit name is theirs to choose. Refuse, naming them.
    const clashing = await sql<{ username: string; folded: string }>`
      select username, lower(username) as folded from users where lower(username) in
        (select lower(username) from users group by lower(username) having count(*) > 1)
    `.execute(db);
    if (clashing.rows.length > 0) {
      const groups = new Map<string, string[]>();
      for (const r of clashing.rows)
        groups.set(r.folded, [...(groups.get(r.folded) ?? []), r.username]);
      const list = [...groups.values()]
        .map((g) => `[${g.sort().join(', ')}]`)
        .sort()
        .join('; ');
      throw new Error(
        `usernames must be unique regardless of case, but these users differ only in case: ${list}. ` +
          'Rename all but one of each (e.g. UPDATE users SET username = … WHERE id = …), then migrate again.',
      );
    }
    // ASCII lower(): the same on SQLite and PostgreSQL for the ASCII names Tenure allows.
    await db.schema
      .createIndex('users_username_lower')
      .on('users')
      .unique()
      .expression(sql`lower(username)`)
      .execute();
  },
});
