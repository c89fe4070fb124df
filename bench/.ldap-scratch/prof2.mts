import { ldapConnector } from '../../src/connectors/ldap/ldap-connector.ts';
import { ldapStats } from '../../src/connectors/ldap/stats.ts';
import { joinerOps, startBenchSlapd, timeLdapadd } from '../ldap-fixture.ts';
const s = await startBenchSlapd();
try {
  const people = `ou=people,${s.base}`;
  const N = Number(process.env.N ?? 10000);
  const ldif = [`dn: ou=ldapadd,${people}\nobjectClass: organizationalUnit\nou: ldapadd\n`];
  for (let i = 0; i < N; i++) ldif.push(`dn: uid=a${i},ou=ldapadd,${people}\nobjectClass: inetOrgPerson\nuid: a${i}\ncn: Person ${i}\nsn: Person${i}\nmail: a${i}@example.com\ntitle: Engineer\nemployeeNumber: Ea${i}\n`);
  console.log('ldapadd', timeLdapadd(s.url, s.bindDn, s.password, ldif.join('\n')));
  process.env.PW = s.password;
  const config = ldapConnector.configGuard.parse({ url: s.url, bind_dn: s.bindDn, bind_password: '${env:PW}', users_base: people, groups_base: `ou=groups,${s.base}`, pool_size: Number(process.env.POOL ?? 4), pipeline: Number(process.env.PIPE ?? 8) });
  const c: any = await ldapConnector.create({ appId: 'dir', config, secret: () => s.password, baseDir: '.', log: { info() {}, warn() {}, error() {} } });
  const batches = joinerOps(N, 'j');
  const times: Record<string, number> = {};
  let t = performance.now();
  for (const b of batches) {
    const k = b[0]!.kind; const t0 = performance.now();
    for await (const r of c.apply(b)) if (r.outcome !== 'success') console.log(r);
    times[k] = (times[k] ?? 0) + performance.now() - t0;
  }
  console.log('total', (performance.now() - t) / 1000, times, JSON.stringify(ldapStats));
  await c.close();
} finally { s.stop(); }
