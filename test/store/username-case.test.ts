/** Usernames are one account regardless of case: the unique index, lookups, and the migration that refuses existing clashes. */
import { afterEach, describe, expect, it } from 'vitest';
import { isTenureError } from '../../src/domain/errors.js';
import type { Store } from '../../src/store/types.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';

const AT = '2026-11-26T09:00:00.000Z';
const MIGRATION = '20261202_0400_username_ci';

const newUser = (store: Store, username: string) =>
  store.users.create(
    {
      username,
      display_name: username,
      email: null,
      role: 'operator',
      password_hash: 'scrypt$x',
      identity_id: null,
      oidc_subject: null,
    },
    AT,
  );

describe.each(testDialects())('usernames regardless of case (%s)', (dialect) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('a second user differing only in case is user.exists; lookups ignore case', async () => {
    t = await createTestStore(dialect);
    const admin = await newUser(t.store, 'admin');
    const clash = await newUser(t.store, 'Admin').catch((e: unknown) => e);
    expect(isTenureError(clash) && clash.code).toBe('user.exists');
    expect((await t.store.users.byUsername('ADMIN'))?.id).toBe(admin.id);
    expect((await t.store.users.byUsername('aDmIn'))?.id).toBe(admin.id);
    // The stored spelling is kept as given.
    const mixed = await newUser(t.store, 'Grace.Hopper');
    expect((await t.store.users.byUsername('grace.hopper'))?.username).toBe('Grace.Hopper');
    expect(mixed.username).toBe('Grace.Hopper');
    // Only ASCII folds, as SQL lower() does: the Kelvin sign is not a k.
    await newUser(t.store, 'kate');
    expect(await t.store.users.byUsername('\u212Aate')).toBeUndefined();
  });

  it('migrating a database that holds names differing only in case fails, naming them', async () => {
    t = await createTestStore(dialect);
    // The database as the previous release left it: no index yet, two spellings of one name.
    await t.exec('DROP INDEX users_username_lower');
    await t.exec(`DELETE FROM kysely_migration WHERE name = '${MIGRATION}'`);
    await newUser(t.store, 'admin');
    await newUser(t.store, 'Admin');
    await newUser(t.store, 'bob');
    const failed = await t.store.migrate().catch((e: unknown) => e);
    expect(isTenureError(failed) && failed.code).toBe('store.migration_failed');
    expect(String((failed as Error).message)).toMatch(/differ only in case: \[Admin, admin\]/);
    expect(String((failed as Error).message)).not.toContain('bob');
    // Resolved by the operator, the migration goes through.
    await t.exec("UPDATE users SET username = 'admin-old' WHERE username = 'Admin'");
    await t.store.migrate();
    const clash = await newUser(t.store, 'ADMIN').catch((e: unknown) => e);
    expect(isTenureError(clash) && clash.code).toBe('user.exists');
  });
});
