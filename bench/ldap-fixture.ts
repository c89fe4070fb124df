/** Bench fixture for the ldap connector: a private slapd on free ports, ldapadd timing, bulk seeding. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, Client } from 'ldapts';
import type { Operation } from '../src/domain/types.js';

const ROOT = new URL('..', import.meta.url).pathname;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export type BenchSlapd = {
  url: string;
  ldapsUrl: string;
  /** The generated CA (PEM file) that signed the server certificate. */
  ca: string;
  base: string;
  bindDn: string;
  password: string;
  /** CPU seconds (user + system) slapd has used so far. */
  cpuS(): number;
  stop(): void;
};

/** A slapd of its own (scripts/services/slapd.sh in a temp SERVICES_DIR), removed by stop(). */
export async function startBenchSlapd(): Promise<BenchSlapd> {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-slapd-'));
  const env = {
    ...process.env,
    SERVICES_DIR: dir,
    LDAP_PORT: String(await freePort()),
    LDAPS_PORT: String(await freePort()),
  };
  const script = join(ROOT, 'scripts/services/slapd.sh');
  const r = spawnSync('bash', [script, 'start'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`slapd.sh start failed: ${r.stderr}`);
  const vars = Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('TENURE_TEST_'))
      .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  return {
    url: vars.TENURE_TEST_LDAP_URL!,
    ldapsUrl: vars.TENURE_TEST_LDAPS_URL!,
    ca: vars.TENURE_TEST_LDAP_CA!,
    base: vars.TENURE_TEST_LDAP_BASE!,
    bindDn: vars.TENURE_TEST_LDAP_BIND_DN!,
    password: vars.TENURE_TEST_LDAP_BIND_PASSWORD!,
    cpuS() {
      const pid = readFileSync(join(dir, 'slapd', 'slapd.pid'), 'utf8').trim();
      // /proc/<pid>/stat: utime and stime are fields 14 and 15, in clock ticks (100/s).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    stop() {
      spawnSync('bash', [script, 'stop'], { env, encoding: 'utf8' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Seconds one `ldapadd` process takes to add the LDIF. */
export const timeLdapadd = (
  url: string,
  bindDn: string,
  password: string,
  ldif: string,
  env: NodeJS.ProcessEnv = {},
): number => timeLdapTool('ldapadd', url, bindDn, password, ldif, env);

/** Seconds one `ldapmodify` process takes to apply the LDIF's change records. */
export const timeLdapmodify = (url: string, bindDn: string, password: string, ldif: string) =>
  timeLdapTool('ldapmodify', url, bindDn, password, ldif);

/** One ldap-utils process (one connection, one operation at a time) over the LDIF; it stops at the first error. */
function timeLdapTool(
  tool: 'ldapadd' | 'ldapmodify',
  url: string,
  bindDn: string,
  password: string,
  ldif: string,
  env: NodeJS.ProcessEnv = {},
): number {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-bench-ldif-'));
  const file = join(dir, 'changes.ldif');
  writeFileSync(file, ldif);
  const t = performance.now();
  const r = spawnSync(tool, ['-x', '-H', url, '-D', bindDn, '-w', password, '-f', file], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 28,
  });
  const seconds = (performance.now() - t) / 1000;
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr.slice(0, 2000)}`);
  return seconds;
}

export const DEPTS = ['Engineering', 'Sales', 'Support', 'Finance'];

/** 10,000 joiners as the engine sends them: creates, then two grants each, in batches of 500. */
export function joinerOps(n: number, prefix: string): Operation[][] {
  const creates: Operation[] = [];
  const grants: Operation[] = [];
  for (let i = 0; i < n; i++) {
    const login = `${prefix}${i}`;
    const dept = DEPTS[i % DEPTS.length]!;
    const base = {
      app_id: 'dir',
      identity_id: `E${prefix}${i}`,
      account_id: login,
      reasons: [],
      lifecycle: ['joiner'],
    };
    creates.push({
      ...base,
      key: `c-${login}`,
      kind: 'account.create',
      attributes: {
        cn: `Person ${i}`,
        sn: `Person${i}`,
        mail: `${login}@example.com`,
        title: 'Engineer',
      },
      container: `ou=${dept}`,
    });
    for (const ent of ['staff', dept.toLowerCase()])
      grants.push({
        ...base,
        key: `g-${login}-${ent}`,
        kind: 'entitlement.grant',
        entitlement: ent,
      });
  }
  const batches = (ops: Operation[]) =>
    Array.from({ length: Math.ceil(ops.length / 500) }, (_, i) =>
      ops.slice(i * 500, i * 500 + 500),
    );
  return [...batches(creates), ...batches(grants)];
}

/** Adds entries fast (several connections, many in flight): seeding, not what is measured. */
export async function seed(
  url: string,
  bindDn: string,
  password: string,
  entries: { dn: string; attrs: Record<string, string[]> }[],
): Promise<void> {
  const clients = await Promise.all(
    Array.from({ length: 4 }, async () => {
      const c = new Client({ url, timeout: 60_000 });
      await c.bind(bindDn, password);
      return c;
    }),
  );
  // A leading container goes first: its children cannot be added before it exists.
  let next = entries[0]?.attrs.objectClass?.includes('organizationalUnit') ? 1 : 0;
  if (next === 1) {
    const e = entries[0]!;
    await clients[0]!.add(
      e.dn,
      Object.entries(e.attrs).map(([type, values]) => new Attribute({ type, values })),
    );
  }
  await Promise.all(
    clients.flatMap((c) =>
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < entries.length; i = next++) {
          const e = entries[i]!;
          await c.add(
            e.dn,
            Object.entries(e.attrs).map(([type, values]) => new Attribute({ type, values })),
          );
        }
      }),
    ),
  );
  await Promise.all(clients.map((c) => c.unbind()));
}

/** Deletes an entry and everything below it, deepest first. */
export async function deleteTree(c: Client, root: string): Promise<void> {
  const { searchEntries } = await c.search(root, {
    scope: 'sub',
    attributes: ['1.1'],
    paged: { pageSize: 500 },
  });
  const depth = (dn: string) => dn.split(/(?<!\\),/).length;
  const dns = searchEntries.map((e) => e.dn).sort((a, b) => depth(b) - depth(a));
  for (let i = 0; i < dns.length; ) {
    const level = depth(dns[i]!);
    const same: string[] = [];
    while (i < dns.length && depth(dns[i]!) === level) same.push(dns[i++]!);
    for (let j = 0; j < same.length; j += 32)
      await Promise.all(same.slice(j, j + 32).map((dn) => c.del(dn).catch(() => {})));
  }
}
