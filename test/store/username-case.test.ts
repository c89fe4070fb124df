/** Usernames are one account regardless of case: the unique index, lookups, and the migration that refuses existing clashes. */
import { Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { isTenureError } from '../../src/domain/errors.js';
import { connect } from '../../src/store/connect.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import type { Store } from '../../src/store/types.js';
import { createTestStore, type TestStore, testDialects } from '../support/databases.js';

const AT = '2026-11-26T09:00:00.000Z';
/** The migration just before `20261202_0400_username_ci`. */
const BEFORE = '20261202_0200_hr_records';

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
    // The database as the previous release left it (migrated up to the one before this
    // migration, so later ones still apply in order): no index yet, two spellings of one name.
    t = await createTestStore(dialect, { migrate: false });
    const { db } = connect(t.url);
    try {
      const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
      expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
    } finally {
      await db.destroy();
    }
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
