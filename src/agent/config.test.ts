import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from './config.js';

const good = `
server_url: https://tenure.example.com/
ca_file: certs/ca.pem
site: HQ
state_dir: state
connector:
  kind: ldap
  settings:
    url: ldap://dc1.corp.example:389
    bind_dn: cn=tenure,dc=corp,dc=example
    bind_password: \${env:LDAP_BIND_PASSWORD}
    tls: { ca_file: certs/corp-ca.pem, starttls: true }
    users_base: ou=people,dc=corp,dc=example
    groups_base: ou=groups,dc=corp,dc=example
`;

const problems = (text: string): string[] => {
  try {
    parseAgentConfig(text, '/etc/tenure-agent');
  } catch (e) {
    return (e as { details: { problems?: string[] } }).details.problems ?? [(e as Error).message];
  }
  return [];
};

describe('agent.yaml', () => {
  it('resolves paths against the file and fills the defaults', () => {
    const c = parseAgentConfig(good, '/etc/tenure-agent');
    expect(c).toMatchObject({
      server_url: 'https://tenure.example.com',
      ca_file: '/etc/tenure-agent/certs/ca.pem',
      state_dir: '/etc/tenure-agent/state',
      site: 'HQ',
      shutdown_grace_seconds: 20,
      backoff: { base_ms: 500, max_ms: 30_000 },
      log_level: 'info',
    });
    expect(c.connector.settings.tls.ca_file).toBe('/etc/tenure-agent/certs/corp-ca.pem');
    expect(c.connector.settings.pool_size).toBe(4);
  });

  it('names the path of every problem, connector settings included', () => {
    const bad = good
      .replace('https://tenure.example.com/', 'ftp://x')
      .replace('site: HQ', 'site: "H Q"')
      .replace('${env:LDAP_BIND_PASSWORD}', 'hunter2')
      .replace('state_dir: state', 'state_dir: state\nextra: 1');
    expect(problems(bad)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^site: /), 'unknown key "extra"']),
    );
    const settings = good.replace('${env:LDAP_BIND_PASSWORD}', 'hunter2');
    expect(problems(settings)).toEqual([
      'connector.settings.bind_password: secrets must be written as ${env:NAME}',
    ]);
    expect(problems(good.replace('kind: ldap', 'kind: scim'))[0]).toMatch(/^connector\.kind: /);
  });

  it('wants https, except plain http on loopback when allowed (tests)', () => {
    const http = good.replace('https://tenure.example.com/', 'http://tenure.example.com');
    expect(problems(http)).toEqual([expect.stringMatching(/^server_url: must be https/)]);
    const local = good.replace('https://tenure.example.com/', 'http://127.0.0.1:8080');
    expect(problems(local)).toHaveLength(1);
    expect(problems(`${local}\nallow_insecure_http: true`)).toEqual([]);
  });

  it('refuses duplicate keys and YAML errors', () => {
    expect(problems(`${good}\nsite: B`)[0]).toMatch(/agent\.yaml: .*[Uu]nique|duplicate/i);
  });
});
