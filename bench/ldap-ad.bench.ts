/** Benchmark part: the ad flavour provisioning joiners into Samba AD against one `ldapadd` of the same users. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Attribute, Client } from 'ldapts';
import { ldapConnector } from '../src/connectors/ldap/ldap-connector.js';
import { ldapStats } from '../src/connectors/ldap/stats.js';
import { deleteTree, joinerOps, timeLdapadd } from './ldap-fixture.js';

const USERS = Number(process.env.TENURE_BENCH_AD_USERS ?? 500);
const silent = { info() {}, warn() {}, error() {} };
const ROOT = new URL('..', import.meta.url).pathname;

type Ad = {
  url: string;
  ca: string;
  tlsName: string;
  base: string;
  bindDn: string;
  password: string;
  stop(): void;
};

/** The Samba of the test setup (TENURE_TEST_AD_*), else one started here (root only). */
function samba(): Ad | undefined {
  let vars: Record<string, string | undefined> = process.env;
  let stop = () => {};
  if (!vars.TENURE_TEST_AD_URL) {
    const env = {
      ...process.env,
      SERVICES_DIR: process.env.SERVICES_DIR ?? '/tmp/tenure-test-services',
    };
    const script = `${ROOT}scripts/services/samba.sh`;
    const wasRunning = spawnSync('bash', [script, 'status'], { env }).status === 0;
    const r = spawnSync('bash', [script, 'start'], { env, encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(
        `ldap (Samba AD): skipped, samba.sh start failed: ${r.stderr.trim().split('\n').pop()}`,
      );
      return undefined;
    }
    vars = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/=(.*)/s).slice(0, 2)),
    );
    if (!wasRunning) stop = () => void spawnSync('bash', [script, 'stop'], { env });
  }
  return {
    url: vars.TENURE_TEST_AD_URL!,
    ca: vars.TENURE_TEST_AD_CA!,
    tlsName: vars.TENURE_TEST_AD_TLS_NAME!,
    base: vars.TENURE_TEST_AD_BASE!,
    bindDn: vars.TENURE_TEST_AD_BIND_DN!,
    password: vars.TENURE_TEST_AD_BIND_PASSWORD!,
    stop,
  };
}

export async function benchAd(): Promise<Record<string, number>> {
  const ad = samba();
  if (!ad) return {};
  const tag = randomBytes(3).toString('hex');
  const root = `OU=bench-${tag},${ad.base}`;
  const admin = new Client({
    url: ad.url,
    tlsOptions: { ca: [readFileSync(ad.ca)], servername: ad.tlsName },
    timeout: 120_000,
  });
  await admin.bind(ad.bindDn, ad.password);
  try {
    for (const dn of [root, `OU=ldapadd,${root}`, `OU=people,${root}`, `OU=groups,${root}`])
      await admin.add(dn, [new Attribute({ type: 'objectClass', values: ['organizationalUnit'] })]);
    const pw = Buffer.from('"Bench-Passw0rd!x"', 'utf16le').toString('base64');
    const ldif = Array.from(
      { length: USERS },
      (_, i) =>
        `dn: CN=Person ${i},OU=ldapadd,${root}\nobjectClass: user\nsAMAccountName: a${tag}${i}\n` +
        `userPrincipalName: a${tag}${i}@example.test\nsn: Person${i}\nmail: a${tag}${i}@example.com\n` +
        `employeeID: Ea${tag}${i}\nunicodePwd:: ${pw}\nuserAccountControl: 512\n`,
    ).join('\n');
    const ldapaddS = timeLdapadd(ad.url, ad.bindDn, ad.password, ldif, {
      LDAPTLS_CACERT: ad.ca,
      LDAPTLS_REQCERT: 'allow', // Samba's certificate names dc1.example.test, not 127.0.0.1
    });

    process.env.TENURE_BENCH_AD_PW = ad.password;
    const config = ldapConnector.configGuard.parse({
      flavour: 'ad',
      url: ad.url,
      bind_dn: ad.bindDn,
      bind_password: '${env:TENURE_BENCH_AD_PW}',
      tls: { ca_file: ad.ca, servername: ad.tlsName },
      users_base: `OU=people,${root}`,
      groups_base: `OU=groups,${root}`,
      upn_suffix: 'example.test',
    });
    const c = await ldapConnector.create({
      appId: 'ad',
      config,
      secret: () => ad.password,
      baseDir: '.',
      log: silent,
    });
    ldapStats.reset();
    const t0 = performance.now();
    let failures = 0;
    for (const batch of joinerOps(USERS, `b${tag}t`))
      for await (const r of c.apply(batch))
        if (r.outcome !== 'success' && failures++ === 0) console.error(r.message);
    const oursS = (performance.now() - t0) / 1000;
    await c.close();
    if (failures > 0) throw new Error(`${failures} AD joiner operations failed`);
    const figures = {
      ad_joiners: USERS,
      ad_joiners_s: Math.round(oursS * 100) / 100,
      ad_writes: ldapStats.writes(),
      ad_ldapadd_s: Math.round(ldapaddS * 100) / 100,
      ad_vs_ldapadd_ratio: Math.round((ldapaddS / oursS) * 100) / 100,
    };
    console.log(
      `ldap (Samba AD): ${USERS} joiners (create in 3 steps with password + 2 groups) in ${figures.ad_joiners_s} s ` +
        `(${figures.ad_writes} writes) vs ldapadd of the same users with password ${figures.ad_ldapadd_s} s ` +
        `-> ratio ${figures.ad_vs_ldapadd_ratio}`,
    );
    return figures;
  } finally {
    await deleteTree(admin, root).catch(() => {});
    await admin.unbind();
    ad.stop();
  }
}
