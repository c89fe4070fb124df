import { Attribute, Change, Client } from 'ldapts';
import { startBenchSlapd, timeLdapadd } from '/work/main/bench/ldap-fixture.ts';
const s = await startBenchSlapd();
try {
  const people = `ou=people,${s.base}`;
  const N = 10000;
  const ldif = [`dn: ou=ldapadd,${people}\nobjectClass: organizationalUnit\nou: ldapadd\n`];
  for (let i = 0; i < N; i++) ldif.push(`dn: uid=a${i},ou=ldapadd,${people}\nobjectClass: inetOrgPerson\nuid: a${i}\ncn: Person ${i}\nsn: Person${i}\nmail: a${i}@example.com\ntitle: Engineer\nemployeeNumber: Ea${i}\n`);
  console.log('ldapadd', timeLdapadd(s.url, s.bindDn, s.password, ldif.join('\n')));
  const clients = await Promise.all(Array.from({ length: Number(process.env.C ?? 4) }, async () => { const c = new Client({ url: s.url }); await c.bind(s.bindDn, s.password); return c; }));
  await clients[0]!.add(`ou=raw,${people}`, { objectClass: 'organizationalUnit', ou: 'raw' });
  let t = performance.now(); let next = 0;
  await Promise.all(clients.flatMap((c) => Array.from({ length: Number(process.env.P ?? 8) }, async () => { for (let i = next++; i < N; i = next++) await c.add(`uid=r${i},ou=raw,${people}`, { objectClass: 'inetOrgPerson', uid: `r${i}`, cn: `Person ${i}`, sn: `Person${i}`, mail: `r${i}@example.com`, title: 'Engineer', employeeNumber: `Er${i}` }); })));
  console.log('raw adds', (performance.now() - t) / 1000);
  t = performance.now();
  for (const g of ['staff', 'd0', 'd1', 'd2', 'd3']) await clients[0]!.add(`cn=${g},ou=groups,${s.base}`, { objectClass: 'groupOfNames', cn: g, member: '' });
  for (let b = 0; b < N; b += 250) {
    const dns = Array.from({ length: 250 }, (_, k) => `uid=r${b + k},ou=raw,${people}`);
    await Promise.all([clients[0]!.modify(`cn=staff,ou=groups,${s.base}`, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: dns }) })),
      clients[1]!.modify(`cn=d${(b / 250) % 4},ou=groups,${s.base}`, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: dns }) }))]);
  }
  console.log('raw memberships', (performance.now() - t) / 1000);
  await Promise.all(clients.map((c) => c.unbind()));
} finally { s.stop(); }
