import { Client } from 'ldapts';
import { seed, startBenchSlapd } from '../ldap-fixture.ts';
const s = await startBenchSlapd();
try {
  const people = `ou=people,${s.base}`;
  const entries = [{ dn: `ou=x,${people}`, attrs: { objectClass: ['organizationalUnit'], ou: ['x'] } }];
  for (let i = 0; i < 20000; i++) entries.push({ dn: `uid=u${i},ou=x,${people}`, attrs: { objectClass: ['inetOrgPerson'], uid: [`u${i}`], cn: [`C ${i}`], sn: ['S'], employeeNumber: [`E${i}`] } as any });
  await seed(s.url, s.bindDn, s.password, entries);
  const c = new Client({ url: s.url }); await c.bind(s.bindDn, s.password);
  const terms = (k: number) => Array.from({ length: 500 }, (_, i) => `(uid=new${k}x${i})`).join('') + Array.from({ length: 500 }, (_, i) => `(employeeNumber=N${k}x${i})`).join('');
  for (const [label, f] of [['and', (k: number) => `(&(objectClass=inetOrgPerson)(|${terms(k)}))`], ['or', (k: number) => `(|${terms(k)})`]] as const) {
    const t = performance.now();
    for (let k = 0; k < 20; k++) await c.search(people, { filter: f(k), attributes: ['*', 'memberOf'], paged: { pageSize: 500 } });
    console.log(label, ((performance.now() - t) / 20).toFixed(1), 'ms per search');
  }
  await c.unbind();
} finally { s.stop(); }
