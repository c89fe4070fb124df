/**
 * LDAP test targets: slapd (scripts/services/slapd.sh) and Samba AD (scripts/services/samba.sh).
 * Each test file works in its own fresh subtree and removes it afterwards.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Attribute, Client } from 'ldapts';
import { resolveSecret } from '../../src/config/load-config.js';
import type { Connector } from '../../src/connectors/contract.js';
import { ldapConnector } from '../../src/connectors/ldap/ldap-connector.js';
import type { LdapSettings } from '../../src/connectors/ldap/settings.js';

export type DirectoryEnv = {
  kind: 'slapd' | 'samba';
  url: string;
  ldapsUrl: string;
  ca: string;
  tlsName?: string;
  base: string;
  bindDn: string;
  password: string;
  /** For settings.bind_password. */
  passwordRef: string;
};

function env(kind: 'slapd' | 'samba'): DirectoryEnv | undefined {
  const p = kind === 'slapd' ? 'TENURE_TEST_LDAP' : 'TENURE_TEST_AD';
  const e = process.env;
  const url = e[`${p}_URL`];
  if (!url) {
    if (e.CI) {
      throw new Error(
        `CI is set but ${p}_URL is not: start scripts/services/${kind === 'slapd' ? 'slapd' : 'samba'}.sh`,
      );
    }
    return undefined;
  }
  return {
    kind,
    url,
    ldapsUrl: e[`${p}S_URL`] ?? url,
    ca: e[`${p}_CA`] ?? '',
    ...(e[`${p}_TLS_NAME`] ? { tlsName: e[`${p}_TLS_NAME`] } : {}),
    base: e[`${p}_BASE`] ?? '',
    bindDn: e[`${p}_BIND_DN`] ?? '',
    password: e[`${p}_BIND_PASSWORD`] ?? '',
    passwordRef: `\${env:${p}_BIND_PASSWORD}`,
  };
}

/** slapd from TENURE_TEST_LDAP_*; undefined (skip) locally when unset, an error in CI. */
export const slapdEnv = () => env('slapd');
/** Samba AD from TENURE_TEST_AD_*; undefined (skip) locally when unset, an error in CI. */
export const sambaEnv = () => env('samba');

export async function adminClient(d: DirectoryEnv): Promise<Client> {
  const tls = { ca: [readFileSync(d.ca)], ...(d.tlsName ? { servername: d.tlsName } : {}) };
  const c = new Client({ url: d.ldapsUrl, tlsOptions: tls, timeout: 30_000 });
  await c.bind(d.bindDn, d.password);
  return c;
}

/** Binds as someone else; resolves to the error when refused. */
export async function tryBind(
  d: DirectoryEnv,
  dn: string,
  password: string,
): Promise<Error | undefined> {
  const tls = { ca: [readFileSync(d.ca)], ...(d.tlsName ? { servername: d.tlsName } : {}) };
  const c = new Client({ url: d.ldapsUrl, tlsOptions: tls, timeout: 10_000 });
  try {
    await c.bind(dn, password);
    return undefined;
  } catch (e) {
    return e as Error;
  } finally {
    await c.unbind().catch(() => {});
  }
}

export type Subtree = {
  root: string;
  usersBase: string;
  groupsBase: string;
  admin: Client;
  cleanup(): Promise<void>;
};

/** `ou=<prefix>-<random>` with `ou=people` and `ou=groups` below it. */
export async function makeSubtree(d: DirectoryEnv, prefix = 't'): Promise<Subtree> {
  const admin = await adminClient(d);
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  const root = `ou=${name},${d.base}`;
  const ou = (n: string) => [
    new Attribute({ type: 'objectClass', values: ['top', 'organizationalUnit'] }),
    new Attribute({ type: 'ou', values: [n] }),
  ];
  await admin.add(root, ou(name));
  await admin.add(`ou=people,${root}`, ou('people'));
  await admin.add(`ou=groups,${root}`, ou('groups'));
  return {
    root,
    usersBase: `ou=people,${root}`,
    groupsBase: `ou=groups,${root}`,
    admin,
    async cleanup() {
      await deleteTree(admin, root);
      await admin.unbind();
    },
  };
}

/** Deletes an entry and everything below it, deepest first. */
export async function deleteTree(admin: Client, root: string): Promise<void> {
  const { searchEntries } = await admin.search(root, {
    scope: 'sub',
    filter: '(objectClass=*)',
    attributes: ['1.1'],
    paged: { pageSize: 500 },
  });
  const dns = searchEntries.map((e) => e.dn);
  const depth = (dn: string) => dn.split(/(?<!\\),/).length;
  const byDepth = new Map<number, string[]>();
  for (const dn of dns) byDepth.set(depth(dn), [...(byDepth.get(depth(dn)) ?? []), dn]);
  for (const level of [...byDepth.keys()].sort((a, b) => b - a)) {
    const list = byDepth.get(level)!;
    for (let i = 0; i < list.length; i += 32)
      await Promise.all(list.slice(i, i + 32).map((dn) => admin.del(dn).catch(() => {})));
  }
}

/** Settings for a connector on `t`, TLS as the directory offers it. */
export function settingsFor(
  d: DirectoryEnv,
  t: Pick<Subtree, 'usersBase' | 'groupsBase'>,
  over: Partial<Record<keyof LdapSettings, unknown>> = {},
): Record<string, unknown> {
  return {
    flavour: d.kind === 'samba' ? 'ad' : 'openldap',
    url: d.kind === 'samba' ? d.ldapsUrl : d.url,
    bind_dn: d.bindDn,
    bind_password: d.passwordRef,
    tls: {
      ca_file: d.ca,
      ...(d.kind === 'slapd' ? { starttls: true } : {}),
      ...(d.tlsName ? { servername: d.tlsName } : {}),
    },
    users_base: t.usersBase,
    groups_base: t.groupsBase,
    ...(d.kind === 'samba' ? { upn_suffix: 'example.test' } : {}),
    ...over,
  };
}

/**
 * The `settings:` line of an ldap application in tenure.yaml, for test workspaces: the same
 * settings as settingsFor(), as a YAML flow mapping (JSON is YAML). Put it under the application.
 */
export const settingsYaml = (
  d: DirectoryEnv,
  t: Pick<Subtree, 'usersBase' | 'groupsBase'>,
  over: Partial<Record<keyof LdapSettings, unknown>> = {},
): string => `settings: ${JSON.stringify(settingsFor(d, t, over))}`;

const silent = { info() {}, warn() {}, error() {} };

export async function makeLdapConnector(settings: Record<string, unknown>): Promise<Connector> {
  const config = ldapConnector.configGuard.parse(settings);
  return ldapConnector.create({
    appId: 'dir',
    config,
    secret: (ref) => resolveSecret(ref),
    baseDir: process.cwd(),
    log: silent,
  });
}

/** One entry's attributes (lower-cased names), or undefined when it does not exist. */
export async function entryAt(
  admin: Client,
  dn: string,
  attributes = ['*', '+'],
): Promise<Record<string, string[]> | undefined> {
  try {
    const { searchEntries } = await admin.search(dn, { scope: 'base', attributes });
    const e = searchEntries[0];
    if (!e) return undefined;
    const out: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(e))
      out[k.toLowerCase()] = (Array.isArray(v) ? v : [v]).map(String);
    return out;
  } catch (e) {
    if ((e as { code?: number }).code === 32) return undefined;
    throw e;
  }
}

/** Entries matching a filter under a base: DN -> attributes. */
export async function findEntries(admin: Client, base: string, filter: string, attributes = ['*']) {
  const { searchEntries } = await admin.search(base, {
    scope: 'sub',
    filter,
    attributes,
    paged: { pageSize: 500 },
  });
  return searchEntries;
}
