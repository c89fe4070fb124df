import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TenureError } from '../domain/errors.js';
import { parseConfig, resolveSecret } from './load-config.js';

const demo = readFileSync(new URL('../../examples/demo/tenure.yaml', import.meta.url), 'utf8');

const problemsOf = (text: string): string[] => {
  try {
    parseConfig(text, '/ws/tenure.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(TenureError);
    return ((e as TenureError).details.problems as string[]) ?? [(e as Error).message];
  }
  throw new Error('expected the config to be refused');
};

const minimal = (extra = '') => `
organisation: { name: Acme, time_zone: Europe/Paris }
sources: [{ id: hr, type: file, path: hr.csv }]
${extra}`;

describe('tenure.yaml validation', () => {
  it('accepts the demo workspace and fills defaults', () => {
    const c = parseConfig(demo, '/ws/tenure.yaml');
    expect(c.applications.length).toBeGreaterThanOrEqual(4);
    expect(c.safety.max_deprovision_share).toBe(0.1);
    expect(c.baseDir).toBe('/ws');
    expect(parseConfig(minimal(), '/ws/tenure.yaml').lifecycle).toEqual({
      prehire_days: 3,
      leave: 'keep',
      missing_from_source: 'hold',
    });
  });

  it('names the path and the reason for an unknown connector', () => {
    const problems = problemsOf(
      minimal(`applications:
  - { id: a, connector: manual }
  - { id: b, connector: manual }
  - { id: c, connector: ldpa }`),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^applications\[2\]\.connector: unknown connector "ldpa" \(known: .*csv-export.*\)/,
      ),
    );
  });

  it('reports every problem at once, each with its path', () => {
    const problems = problemsOf(`
organisation: { name: Acme, time_zone: Mars/Olympus }
sources: [{ id: hr, type: file, path: hr.csv, colums: {} }]
applications:
  - { id: crm, connector: csv-export, settings: { path: 1 } }
safety: { max_deprovision_share: 2 }`);
    expect(problems).toContainEqual(
      expect.stringMatching(/^organisation\.time_zone: is not an IANA time zone/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/^sources\[0\]: unknown key "colums"/));
    expect(problems).toContainEqual(expect.stringMatching(/^safety\.max_deprovision_share:/));
  });

  it('checks connector settings, policy references and templates', () => {
    const problems = problemsOf(
      minimal(`applications:
  - id: crm
    connector: csv-export
    settings: { path: 1 }
    entitlements: [{ id: rep }]
policies:
  - id: p
    when: { equals: { department: Sales } }
    accounts:
      - { application: crm, entitlements: [rep, admin], attributes: { cn: "{frist_name}" } }
      - { application: erp }`),
    );
    expect(problems).toContainEqual(expect.stringMatching(/^applications\[0\]\.settings\.path:/));
    expect(problems).toContain(
      'policies[0].accounts[0].entitlements[1]: unknown entitlement "admin" in application "crm"',
    );
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^policies\[0\]\.accounts\[0\]\.attributes\.cn: .*unknown field "frist_name"/,
      ),
    );
    expect(problems).toContain('policies[0].accounts[1].application: unknown application "erp"');
  });

  it('refuses a DN as an ldap manager: it names the employee id the link is made from', () => {
    const problems = problemsOf(
      minimal(`applications:
  - id: dir
    connector: ldap
    settings: { url: "ldap://x", bind_dn: cn=a, bind_password: "\${env:P}", users_base: dc=x, groups_base: dc=x }
policies:
  - id: p
    accounts:
      - { application: dir, attributes: { manager: "uid={manager_id},ou=people,dc=x" } }
      - { application: dir, attributes: { manager: "{manager_id}" } }`),
    );
    expect(problems).toEqual([
      `policies[0].accounts[0].attributes.manager: "uid={manager_id},ou=people,dc=x" looks like a DN; an ldap manager is the manager's employee id (e.g. "{manager_id}"), linked to the DN of their account`,
    ]);
  });

  it('refuses malformed conditions and invalid regexes', () => {
    const problems = problemsOf(
      minimal(`applications: [{ id: crm, connector: manual }]
policies:
  - { id: p, when: { equal: { department: x } }, accounts: [{ application: crm }] }
  - { id: q, when: { regex: { title: "([" } }, accounts: [{ application: crm }] }`),
    );
    expect(problems.some((p) => p.startsWith('policies[0].when'))).toBe(true);
    expect(problems.some((p) => p.startsWith('policies[1].when'))).toBe(true);
  });

  it('refuses inline secrets and duplicate ids', () => {
    const problems = problemsOf(
      minimal(`applications:
  - { id: crm, connector: manual, settings: { instructions: x } }
  - { id: crm, connector: csv-export, settings: { path: a.csv, api_token: hunter2 } }`),
    );
    expect(problems).toContain('applications[1].id: duplicate id "crm"');
    expect(
      problems.some((p) =>
        p.startsWith('applications[1].settings.api_token: secrets must be written as ${env:NAME}'),
      ),
    ).toBe(true);
  });

  it('refuses invalid YAML with the reason', () => {
    expect(() => parseConfig('organisation: [\n', '/ws/tenure.yaml')).toThrow(/tenure\.yaml/);
  });
});

describe('secret references', () => {
  it('resolves ${env:NAME} and names a missing variable without revealing values', () => {
    expect(resolveSecret('${env:TOKEN}', { TOKEN: 's3cret' })).toBe('s3cret');
    expect(() => resolveSecret('${env:MISSING}', {})).toThrow(/MISSING .* is not set/);
    expect(() => resolveSecret('plain', {})).toThrow(/not a \$\{env:NAME\} reference/);
  });
});
