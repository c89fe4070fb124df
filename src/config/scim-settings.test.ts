import { describe, expect, it } from 'vitest';
import { parseConfig } from './load-config.js';

const yaml = (settings: string) => `
organisation: { name: X, time_zone: UTC }
sources: [{ id: hr, type: file, path: hr.csv }]
applications:
  - id: crm
    connector: scim
    settings: ${settings}
`;

const problems = (settings: string): string[] => {
  try {
    parseConfig(yaml(settings), 'tenure.yaml');
    return [];
  } catch (e) {
    return (e as { details: { problems: string[] } }).details.problems;
  }
};

describe('scim settings in tenure.yaml', () => {
  it('a valid application loads', () => {
    expect(
      problems(
        `{ base_url: "https://crm.example.com/scim/v2", auth: { type: bearer, token: "\${env:CRM}" } }`,
      ),
    ).toEqual([]);
  });

  it('every problem is named by its path', () => {
    expect(
      problems(`
      base_url: crm.example.com/scim
      auth: { type: oauth_client_credentials, url: "https://login.example.com/t", client_id: t, client_secret: "\${env:S}" }
      attributes: { mail: 'emails[type eq "work"]', who: userName }
      groups: { g: 42 }
      quirks: { patch_active: sometimes }
      concurrency: 0`),
    ).toEqual([
      'applications[0].settings.base_url: must be an http:// or https:// URL',
      'applications[0].settings.attributes.mail: "emails[type eq "work"]" selects an element: name the sub-attribute (e.g. emails[type eq "work"].value)',
      'applications[0].settings.attributes.who: "userName" is managed by the connector itself',
      'applications[0].settings.groups.g: must be a group displayName or { id: "<SCIM group id>" }',
      'applications[0].settings.concurrency: Too small: expected number to be >=1',
      'applications[0].settings.quirks.patch_active: Invalid option: expected one of "path"|"value"',
    ]);
  });

  it('credentials only as ${env:NAME}', () => {
    expect(problems(`{ base_url: "https://x", auth: { type: bearer, token: abc } }`)).toEqual([
      'applications[0].settings.auth.token: secrets must be written as ${env:NAME}',
      'applications[0].settings.auth.token: secrets must be written as ${env:NAME}, not inline',
    ]);
  });
});
