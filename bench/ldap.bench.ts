/**
 * Benchmark: the ldap connector provisioning 10,000 joiners (account + 2 memberships each) into
 * slapd against one `ldapadd` adding the same 10,000 entries (ratio >= 1.0 wanted), read() of
 * 100,000 accounts (<= 30 s wanted). The Samba AD figures are ldap-ad.bench.ts (`BENCH_ONLY=ad`).
 */
import { ldapConnector } from '../src/connectors/ldap/ldap-connector.js';
import { ldapStats } from '../src/connectors/ldap/stats.js';
import { isMain } from './child.js';
import { joinerOps, seed, startBenchSlapd, timeLdapadd } from './ldap-fixture.js';

const JOINERS = Number(process.env.TENURE_BENCH_LDAP_JOINERS ?? 10_000);
const READ_TOTAL = Number(process.env.TENURE_BENCH_LDAP_READ ?? 100_000);
const silent = { info() {}, warn() {}, error() {} };

export async function benchLdap(): Promise<Record<string, number>> {
  const slapd = await startBenchSlapd();
  try {
    return await benchSlapd(slapd);
  } finally {
    slapd.stop();
  }
}

async function benchSlapd(
  s: Awaited<ReturnType<typeof startBenchSlapd>>,
): Promise<Record<string, number>> {
  const people = `ou=people,${s.base}`;
  const ldif = [`dn: ou=ldapadd,${people}\nobjectClass: organizationalUnit\nou: ldapadd\n`];
  for (let i = 0; i < JOINERS; i++) {
    ldif.push(
      `dn: uid=a${i},ou=ldapadd,${people}\nobjectClass: inetOrgPerson\nuid: a${i}\ncn: Person ${i}\n` +
        `sn: Person${i}\nmail: a${i}@example.com\ntitle: Engineer\nemployeeNumber: Ea${i}\n`,
    );
  }
  const cpu0 = s.cpuS();
  const ldapaddS = timeLdapadd(s.url, s.bindDn, s.password, ldif.join('\n'));
  const ldapaddServerCpuS = s.cpuS() - cpu0;

  process.env.TENURE_BENCH_SLAPD_PW = s.password;
  const config = ldapConnector.configGuard.parse({
    url: s.url,
    bind_dn: s.bindDn,
    bind_password: '${env:TENURE_BENCH_SLAPD_PW}',
    users_base: people,
    groups_base: `ou=groups,${s.base}`,
    ...(process.env.TENURE_BENCH_LDAP_POOL
      ? { pool_size: Number(process.env.TENURE_BENCH_LDAP_POOL) }
      : {}),
    ...(process.env.TENURE_BENCH_LDAP_PIPELINE
      ? { pipeline: Number(process.env.TENURE_BENCH_LDAP_PIPELINE) }
      : {}),
  });
  const c = await ldapConnector.create({
    appId: 'dir',
    config,
    secret: () => s.password,
    baseDir: '.',
    log: silent,
  });
  ldapStats.reset();
  const phaseS = { 'account.create': 0, 'entitlement.grant': 0 } as Record<string, number>;
  const serverCpuS = { ...phaseS };
  const clientCpuS = { ...phaseS };
  let failures = 0;
  for (const batch of joinerOps(JOINERS, 'j')) {
    const kind = batch[0]!.kind;
    const [t, server, client] = [performance.now(), s.cpuS(), process.cpuUsage()];
    failures += await applyAll(c.apply(batch));
    phaseS[kind]! += (performance.now() - t) / 1000;
    serverCpuS[kind]! += s.cpuS() - server;
    const used = process.cpuUsage(client);
    clientCpuS[kind]! += (used.user + used.system) / 1e6;
  }
  const accountsS = phaseS['account.create']!;
  const membershipsS = phaseS['entitlement.grant']!;
  const oursS = accountsS + membershipsS;
  const writes = ldapStats.writes();
  if (failures > 0) throw new Error(`${failures} joiner operations failed`);

  // The floor for any client: the same entries as ldapadd, pipelined, no lookups, no groups.
  const raw: { dn: string; attrs: Record<string, string[]> }[] = [
    { dn: `ou=raw,${people}`, attrs: { objectClass: ['organizationalUnit'], ou: ['raw'] } },
  ];
  for (let i = 0; i < JOINERS; i++) {
    raw.push({
      dn: `uid=r${i},ou=raw,${people}`,
      attrs: {
        objectClass: ['inetOrgPerson'],
        uid: [`r${i}`],
        cn: [`Person ${i}`],
        sn: [`Person${i}`],
        mail: [`r${i}@example.com`],
        title: ['Engineer'],
        employeeNumber: [`Er${i}`],
      },
    });
  }
  const tr = performance.now();
  await seed(s.url, s.bindDn, s.password, raw);
  const rawS = (performance.now() - tr) / 1000;

  // Up to READ_TOTAL accounts, then read them all back through the connector.
  const extra = Math.max(0, READ_TOTAL - 3 * JOINERS);
  const entries: { dn: string; attrs: Record<string, string[]> }[] = [
    { dn: `ou=seed,${people}`, attrs: { objectClass: ['organizationalUnit'], ou: ['seed'] } },
  ];
  for (let i = 0; i < extra; i++) {
    entries.push({
      dn: `uid=s${i},ou=seed,${people}`,
      attrs: {
        objectClass: ['inetOrgPerson'],
        uid: [`s${i}`],
        cn: [`Seed ${i}`],
        sn: ['Seed'],
        mail: [`s${i}@example.com`],
        employeeNumber: [`S${i}`],
      },
    });
  }
  await seed(s.url, s.bindDn, s.password, entries);
  const t1 = performance.now();
  let read = 0;
  let withGroups = 0;
  for await (const a of c.read()) {
    read++;
    if (a.entitlements.length === 2) withGroups++;
  }
  const readS = (performance.now() - t1) / 1000;
  await c.close();
  if (withGroups !== JOINERS)
    throw new Error(`read ${withGroups} joiners with 2 groups, expected ${JOINERS}`);

  const figures = {
    ldap_joiners: JOINERS,
    ldap_joiners_s: round(oursS),
    ldap_joiners_per_s: Math.round(JOINERS / oursS),
    ldap_writes: writes,
    ldapadd_s: round(ldapaddS),
    ldapadd_per_s: Math.round(JOINERS / ldapaddS),
    ldap_vs_ldapadd_ratio: round(ldapaddS / oursS),
    ldap_accounts_s: round(accountsS),
    ldap_memberships_s: round(membershipsS),
    ldap_accounts_only_vs_ldapadd_ratio: round(ldapaddS / accountsS),
    ldapadd_server_cpu_s: round(ldapaddServerCpuS),
    ldap_accounts_server_cpu_s: round(serverCpuS['account.create']!),
    ldap_memberships_server_cpu_s: round(serverCpuS['entitlement.grant']!),
    ldap_accounts_client_cpu_s: round(clientCpuS['account.create']!),
    ldap_memberships_client_cpu_s: round(clientCpuS['entitlement.grant']!),
    raw_pipelined_adds_s: round(rawS),
    raw_pipelined_vs_ldapadd_ratio: round(ldapaddS / rawS),
    ldap_read_entries: read,
    ldap_read_s: round(readS),
  };
  console.log(
    `ldap (slapd): ${JOINERS.toLocaleString('en')} joiners (account + 2 groups) in ${figures.ldap_joiners_s} s ` +
      `(${figures.ldap_joiners_per_s}/s, ${writes} writes) vs ldapadd of the same entries ${figures.ldapadd_s} s ` +
      `-> ratio ${figures.ldap_vs_ldapadd_ratio} (want >= 1.0; accounts ${figures.ldap_accounts_s} s + ` +
      `memberships ${figures.ldap_memberships_s} s; bare pipelined adds, no lookup or group: ` +
      `${figures.raw_pipelined_adds_s} s, ratio ${figures.raw_pipelined_vs_ldapadd_ratio}); ` +
      `slapd CPU: ldapadd ${figures.ldapadd_server_cpu_s} s, ours ${figures.ldap_accounts_server_cpu_s} s + ` +
      `${figures.ldap_memberships_server_cpu_s} s (client CPU ${figures.ldap_accounts_client_cpu_s} s + ` +
      `${figures.ldap_memberships_client_cpu_s} s); ` +
      `read() of ${read.toLocaleString('en')} accounts in ${figures.ldap_read_s} s (want <= 30 s)`,
  );
  return figures;
}

async function applyAll(
  results: AsyncIterable<{ outcome: string; message?: string }>,
): Promise<number> {
  let failures = 0;
  for await (const r of results) {
    if (r.outcome !== 'success') {
      if (failures === 0) console.error(`first failure: ${r.message}`);
      failures++;
    }
  }
  return failures;
}

const round = (x: number) => Math.round(x * 100) / 100;

// `npx tsx bench/ldap.bench.ts` runs it alone.
if (isMain(import.meta.url)) await benchLdap();
