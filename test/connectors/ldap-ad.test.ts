/** The ad flavour end to end against Samba as an AD DC: passwords over LDAPS, UAC, expiry, groups, moves, collisions. */
import { randomBytes } from 'node:crypto';
import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountRecord, Connector } from '../../src/connectors/contract.js';
import { endOfDayFileTime } from '../../src/connectors/ldap/filetime.js';
import { ldapStats } from '../../src/connectors/ldap/stats.js';
import type { Operation } from '../../src/domain/types.js';
import {
  entryAt,
  findEntries,
  makeLdapConnector,
  makeSubtree,
  type Subtree,
  sambaEnv,
  settingsFor,
  tryBind,
} from '../support/ldap.js';
import { collect, op } from './contract-suite.js';

const d = sambaEnv();
// sAMAccountName is unique in the whole domain: this file's logins carry their own prefix.
const px = `x${randomBytes(2).toString('hex')}`;

async function readAll(c: Connector): Promise<Map<string, AccountRecord>> {
  const m = new Map<string, AccountRecord>();
  for await (const a of c.read()) m.set(a.account_id, a);
  return m;
}

const user = (login: string, emp: string, extra: Partial<Operation> = {}) =>
  op('account.create', login, {
    identity_id: emp,
    attributes: {
      cn: `Person ${login}`,
      sn: 'Person',
      givenName: 'Some',
      displayName: `Person ${login}`,
    },
    container: 'OU=Staff',
    ...extra,
  });

describe.skipIf(!d)('ldap ad flavour on Samba AD', () => {
  let t: Subtree;
  let c: Connector;
  const replace = (type: string, values: string[] | Buffer[]) =>
    new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
  const byLogin = async (login: string) =>
    (await findEntries(t.admin, t.root, `(sAMAccountName=${login})`, ['*']))[0] as
      | Record<string, string | string[]>
      | undefined;

  beforeAll(async () => {
    t = await makeSubtree(d!, 'ad');
    c = await makeLdapConnector(settingsFor(d!, t));
  });
  afterAll(async () => {
    await c?.close();
    await t?.cleanup();
  });

  it('creates in three steps over LDAPS: enabled, password set, must change at next logon', async () => {
    ldapStats.reset();
    const [r] = await collect(
      c.apply([
        user(`${px}ann`, 'A1', {
          attributes: { cn: 'Ann Lee', sn: 'Lee', mail: 'ann@example.test' },
        }),
      ]),
    );
    expect(r, r?.message).toMatchObject({ outcome: 'success' });
    expect(ldapStats.add).toBe(2); // the OU, then the account
    expect(ldapStats.modify).toBe(2); // unicodePwd, then userAccountControl + pwdLastSet
    const e = await byLogin(`${px}ann`);
    expect(e?.dn).toBe(
      `CN=Ann Lee,OU=Staff,${t.usersBase.replace('ou=people', 'OU=people')}`.replace(
        /ou=ad-/,
        'OU=ad-',
      ),
    );
    expect(e?.userAccountControl).toBe('512');
    expect(e?.pwdLastSet).toBe('0');
    expect(e?.userPrincipalName).toBe(`${px}ann@example.test`);
    expect(e?.employeeID).toBe('A1');
    expect((await readAll(c)).get(`${px}ann`)).toMatchObject({
      enabled: true,
      employee_id: 'A1',
      container: 'OU=Staff',
    });
  });

  it('pre-hires are created disabled (514) and enabling keeps the other UAC bits', async () => {
    const login = `${px}pre`;
    const [r] = await collect(c.apply([user(login, 'A2', { enabled: false })]));
    expect(r?.outcome, r?.message).toBe('success');
    expect((await byLogin(login))?.userAccountControl).toBe('514');
    await collect(c.apply([op('account.enable', login)]));
    expect((await byLogin(login))?.userAccountControl).toBe('512');
    // DONT_EXPIRE_PASSWORD (0x10000) survives a disable/enable round.
    await t.admin.modify(String((await byLogin(login))!.dn), [
      replace('userAccountControl', ['66048']),
    ]);
    await collect(c.apply([op('account.disable', login)]));
    expect((await byLogin(login))?.userAccountControl).toBe('66050');
    expect((await readAll(c)).get(login)?.enabled).toBe(false);
    await collect(c.apply([op('account.enable', login)]));
    expect((await byLogin(login))?.userAccountControl).toBe('66048');
  });

  it("a disabled user's bind is refused", async () => {
    const login = `${px}bob`;
    await collect(c.apply([user(login, 'A3')]));
    const dn = String((await byLogin(login))!.dn);
    // The initial password is random and unknown: set one we know, without "must change".
    await t.admin.modify(dn, [
      replace('unicodePwd', [Buffer.from('"Kn0wn-Passw0rd!"', 'utf16le')]),
    ]);
    await t.admin.modify(dn, [replace('pwdLastSet', ['-1'])]);
    expect(await tryBind(d!, dn, 'Kn0wn-Passw0rd!')).toBeUndefined();
    const [r] = await collect(c.apply([op('account.disable', login)]));
    expect(r?.outcome).toBe('success');
    const refused = await tryBind(d!, dn, 'Kn0wn-Passw0rd!');
    expect(refused as unknown).toMatchObject({ code: 49 });
    expect(refused?.message).toMatch(/data 533/); // AD: account disabled
  });

  it('accountExpires from the end date, read back as account_expires; empty = never', async () => {
    const login = `${px}exp`;
    await collect(
      c.apply([
        user(login, 'A4', {
          attributes: { cn: 'Exp Iry', sn: 'Iry', account_expires: '2026-12-31' },
        }),
      ]),
    );
    expect((await byLogin(login))?.accountExpires).toBe(endOfDayFileTime('2026-12-31'));
    expect((await readAll(c)).get(login)?.attributes.account_expires).toBe('2026-12-31');
    const [r] = await collect(
      c.apply([
        op('account.update', login, {
          identity_id: 'A4',
          attributes: { cn: 'Exp Iry', sn: 'Iry', account_expires: '' },
        }),
      ]),
    );
    expect(r?.outcome, r?.message).toBe('success');
    expect((await byLogin(login))?.accountExpires).toBe('0');
    expect((await readAll(c)).get(login)?.attributes.account_expires).toBeUndefined();
    const [bad] = await collect(
      c.apply([op('account.update', login, { attributes: { account_expires: '31/12/2026' } })]),
    );
    expect(bad).toMatchObject({
      outcome: 'failure',
      message: expect.stringMatching(/not a YYYY-MM-DD date/),
    });
  });

  it('groups: created empty-capable, "already a member" / "not a member" are success', async () => {
    const login = `${px}ann`;
    const g = (kind: 'entitlement.grant' | 'entitlement.revoke', ent: string) =>
      op(kind, login, { entitlement: ent });
    let results = await collect(
      c.apply([g('entitlement.grant', 'staff'), g('entitlement.grant', 'eng')]),
    );
    for (const r of results) expect(r.outcome, r.message).toBe('success');
    expect((await readAll(c)).get(login)?.entitlements).toEqual(['eng', 'staff']);
    results = await collect(
      c.apply([g('entitlement.grant', 'staff'), g('entitlement.revoke', 'nope')]),
    );
    expect(results.map((r) => r.message)).toEqual(['already a member', 'not a member']);
    await collect(c.apply([g('entitlement.revoke', 'eng')]));
    const eng = await entryAt(t.admin, `cn=eng,${t.groupsBase}`);
    expect(eng).toBeDefined();
    expect(eng?.member).toBeUndefined(); // AD groups may be empty
    // Both answers AD gives for a redundant change count as success, even in one batch.
    const dn = String((await byLogin(login))!.dn);
    await t.admin.modify(`cn=eng,${t.groupsBase}`, [
      new Change({
        operation: 'add',
        modification: new Attribute({ type: 'member', values: [dn] }),
      }),
    ]);
    ldapStats.reset();
    results = await collect(
      c.apply([g('entitlement.grant', 'eng'), g('entitlement.revoke', 'eng')]),
    );
    for (const r of results) expect(r.outcome, r.message).toBe('success');
  });

  it('moves between OUs (linked values follow) and renames when cn changes', async () => {
    const login = `${px}mov`;
    await collect(
      c.apply([
        user(login, 'A5', { attributes: { cn: 'Mo Ver', sn: 'Ver', manager: 'A1' } }),
        op('entitlement.grant', login, { entitlement: 'staff' }),
      ]),
    );
    let e = await byLogin(login);
    expect(String(e?.manager)).toMatch(/^CN=Ann Lee,OU=Staff,/);
    const results = await collect(
      c.apply([
        op('account.move', login, { container: 'OU=Sales,OU=Regions' }),
        op('account.update', login, {
          identity_id: 'A5',
          attributes: { cn: 'Mo Ver-Moved', sn: 'Ver', manager: 'A1' },
        }),
      ]),
    );
    for (const r of results) expect(r.outcome, r.message).toBe('success');
    e = await byLogin(login);
    expect(String(e?.dn)).toMatch(/^CN=Mo Ver-Moved,OU=Sales,OU=Regions,OU=people,/);
    const read = (await readAll(c)).get(login);
    expect(read).toMatchObject({ container: 'OU=Sales,OU=Regions', entitlements: ['staff'] });
    expect(read?.attributes.manager).toBe('A1');
  });

  it('sAMAccountName collisions: jdoe, jdoe2, ...; 20 characters at most', async () => {
    const jdoe = `${px}jdoe`;
    const r = await collect(
      c.apply([user(jdoe, 'C1', { attributes: { cn: 'John Doe', sn: 'Doe' } })]),
    );
    expect(r[0]?.outcome, r[0]?.message).toBe('success');
    const [second] = await collect(
      c.apply([user(jdoe, 'C2', { attributes: { cn: 'John Doe', sn: 'Doe' } })]),
    );
    expect(second).toMatchObject({ outcome: 'success', account_id: `${jdoe}2` });
    const [third] = await collect(
      c.apply([user(jdoe, 'C3', { attributes: { cn: 'John Doe', sn: 'Doe' } })]),
    );
    expect(third).toMatchObject({ outcome: 'success', account_id: `${jdoe}3` });
    // Same cn in the same OU: the second one's RDN carries its login.
    expect((await byLogin(`${jdoe}2`))?.dn).toMatch(new RegExp(`^CN=John Doe \\(${jdoe}2\\),`));
    // ...and reads back as the cn the policy wants, which updates accept: no phantom change.
    expect((await readAll(c)).get(`${jdoe}2`)?.attributes.cn).toBe('John Doe');
    // A 20-character login that is taken: the suffix replaces the last character.
    const long = `${px}abcdefghijklmno`.slice(0, 20);
    await collect(c.apply([user(long, 'C4')]));
    const [cut] = await collect(c.apply([user(long, 'C5')]));
    expect(cut).toMatchObject({ outcome: 'success', account_id: `${long.slice(0, 19)}2` });
    // The same person again converges instead of creating a third account.
    const [again] = await collect(
      c.apply([user(jdoe, 'C2', { attributes: { cn: 'John Doe', sn: 'Doe' } })]),
    );
    expect(again).toMatchObject({ outcome: 'success', account_id: `${jdoe}2` });
  });

  it('hostile names: cn round-trips escaped, bad sAMAccountNames are refused with the reason', async () => {
    const names = ['a+b"c\\<d>;e=f', '#hash', ' padded ', '*)(uid=*', 'Zoë', '王小明'];
    const results = await collect(
      c.apply(names.map((n, i) => user(`${px}h${i}`, `H${i}`, { attributes: { cn: n, sn: 'X' } }))),
    );
    for (const r of results) expect(r.outcome, r.message).toBe('success');
    const read = await readAll(c);
    for (const [i, n] of names.entries()) expect(read.get(`${px}h${i}`)?.attributes.cn).toBe(n);
    const bad = await collect(
      c.apply([
        user('*)(uid=*', 'B1'),
        user('a"b', 'B2'),
        user('waytoolongloginname123', 'B3'),
        user('王小明', 'B4'),
      ]),
    );
    expect(bad[0]?.message).toMatch(
      /login "\*\)\(uid=\*" contains "\*" "=", not allowed in a sAMAccountName/,
    );
    expect(bad[1]?.message).toMatch(/contains """/);
    expect(bad[2]?.message).toMatch(/longer than 20 characters/);
    expect(bad[3], bad[3]?.message).toMatchObject({ outcome: 'success' }); // Unicode logins are fine
  });

  it('check() reports LDAPS, the bind and the rights found', async () => {
    const r = await c.check();
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.checks.find((x) => x.name === 'tls')?.detail).toMatch(
      /^ldaps, TLSv1\.[23], certificate CN=DC1\.example\.test verified/,
    );
    expect(r.checks.find((x) => x.name === 'rights')?.detail).toMatch(
      /can create user in users_base, create organizationalUnit in users_base, create group in groups_base/,
    );
  });

  it('refuses to create over plain ldap:// (AD only takes passwords over TLS)', async () => {
    const plain = await makeLdapConnector(
      settingsFor(d!, t, { url: 'ldap://127.0.0.1:389', tls: {} }),
    );
    const [r] = await collect(plain.apply([user(`${px}pl`, 'P1')]));
    expect(r).toMatchObject({
      outcome: 'failure',
      message: expect.stringMatching(/only over ldaps:\/\/ or StartTLS/),
    });
    expect((await plain.check()).checks.find((x) => x.name === 'tls')).toMatchObject({ ok: false });
    await plain.close();
  });
});
