import { Client } from 'ldapts';
import { ldapConnector } from '../../src/connectors/ldap/ldap-connector.ts';
import { joinerOps, startBenchSlapd, timeLdapadd } from '../ldap-fixture.ts';
const s = await startBenchSlapd();
try {
  const people = `ou=people,${s.base}`;
  const N = 10000;
  process.env.PW = s.password;
  for (let round = 0; round < 2; round++) {
    const ldif = [`dn: ou=ldapadd${round},${people}\nobjectClass: organizationalUnit\nou: ldapadd${round}\n`];
    for (let i = 0; i < N; i++) ldif.push(`dn: uid=a${round}x${i},ou=ldapadd${round},${people}\nobjectClass: inetOrgPerson\nuid: a${round}x${i}\ncn: Person ${i}\nsn: Person${i}\nmail: a${i}@example.com\ntitle: Engineer\nemployeeNumber: Ea${round}x${i}\n`);
    const la = timeLdapadd(s.url, s.bindDn, s.password, ldif.join('\n'));
    const clients = await Promise.all(Array.from({ length: 4 }, async () => { const c = new Client({ url: s.url }); await c.bind(s.bindDn, s.password); return c; }));
    await clients[0]!.add(`ou=raw${round},${people}`, { objectClass: 'organizationalUnit', ou: 'raw' + round });
    let t = performance.now(); let next = 0;
    await Promise.all(clients.flatMap((c) => Array.from({ length: 8 }, async () => { for (let i = next++; i < N; i = next++) await c.add(`uid=r${round}x${i},ou=raw${round},${people}`, { objectClass: 'inetOrgPerson', uid: `r${round}x${i}`, cn: `Person ${i}`, sn: `Person${i}`, mail: `r${i}@example.com`, title: 'Engineer', employeeNumber: `Er${round}x${i}` }); })));
    const raw = (performance.now() - t) / 1000;
    await Promise.all(clients.map((c) => c.unbind()));
    { const a = new Client({ url: s.url }); await a.bind(s.bindDn, s.password); await a.add(`ou=t${round},${people}`, { objectClass: "organizationalUnit", ou: "t" + round }); await a.unbind(); }
    const config = ldapConnector.configGuard.parse({ url: s.url, bind_dn: s.bindDn, bind_password: '${env:PW}', users_base: `ou=t${round},${people}`, groups_base: `ou=groups,${s.base}` });
    const c: any = await ldapConnector.create({ appId: 'dir', config, secret: () => s.password, baseDir: '.', log: { info() {}, warn() {}, error() {} } });
    const batches = joinerOps(N, `j${round}x`);
    const times: Record<string, number> = {};
    for (const b of batches) { const k = b[0]!.kind; const t0 = performance.now(); for await (const r of c.apply(b)) if (r.outcome !== 'success') console.log(r); times[k] = (times[k] ?? 0) + performance.now() - t0; }
    await c.close();
    console.log(`ldapadd ${la.toFixed(2)} raw-adds ${raw.toFixed(2)} ours-creates ${(times['account.create']! / 1000).toFixed(2)} ours-grants ${(times['entitlement.grant']! / 1000).toFixed(2)}`);
  }
} finally { s.stop(); }
