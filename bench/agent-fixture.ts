/** Bench fixture for the agent: the ldap bench's private slapd, described as the tests' DirectoryEnv. */
import type { DirectoryEnv } from '../test/support/ldap.js';
import { startBenchSlapd } from './ldap-fixture.js';

/** A private slapd (StartTLS with its generated CA) on free ports; stop() removes it. */
export async function startBenchDirectory(): Promise<DirectoryEnv & { stop(): void }> {
  const s = await startBenchSlapd();
  process.env.TENURE_TEST_LDAP_BIND_PASSWORD = s.password;
  return {
    kind: 'slapd',
    url: s.url,
    ldapsUrl: s.ldapsUrl,
    ca: s.ca,
    base: s.base,
    bindDn: s.bindDn,
    password: s.password,
    passwordRef: '${env:TENURE_TEST_LDAP_BIND_PASSWORD}',
    stop: s.stop,
  };
}
