import { ldapConnector } from '../../src/connectors/ldap/ldap-connector.ts';
import { joinerOps, startBenchSlapd } from '../ldap-fixture.ts';
const s = await startBenchSlapd();
try {
  const people = `ou=people,${s.base}`;
  process.env.PW = s.password;
  const config = ldapConnector.configGuard.parse({ url: s.url, bind_dn: s.bindDn, bind_password: '${env:PW}', users_base: people, groups_base: `ou=groups,${s.base}` });
  const c: any = await ldapConnector.create({ appId: 'dir', config, secret: () => s.password, baseDir: '.', log: { info() {}, warn() {}, error() {} } });
  const batches = joinerOps(10000, 'j');
  const cpu0 = process.cpuUsage(); const t = performance.now();
  for (const b of batches) for await (const r of c.apply(b)) if (r.outcome !== 'success') console.log(r);
  const cu = process.cpuUsage(cpu0);
  console.log('wall', (performance.now() - t) / 1000, 'node cpu', (cu.user + cu.system) / 1e6);
  await c.close();
} finally { s.stop(); }
