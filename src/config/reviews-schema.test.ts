/** tenure.yaml `reviews:` templates: defaults, and errors that name the path. */
import { describe, expect, it } from 'vitest';
import { TenureError } from '../domain/errors.js';
import { parseConfig } from './load-config.js';

const yaml = (reviews: string) => `
organisation: { name: Acme, time_zone: Europe/Paris }
sources: [{ id: hr, type: file, path: hr.csv }]
applications:
  - { id: gh, connector: manual, entitlements: [{ id: admin, privileged: true }, { id: member }] }
reviews:
${reviews}`;

const problemsOf = (text: string): string[] => {
  try {
    parseConfig(text, '/ws/tenure.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(TenureError);
    return (e as TenureError).details.problems as string[];
  }
  throw new Error('expected the config to be refused');
};

describe('reviews templates', () => {
  it('fills defaults: quarterly, due in 14 days, keep / revoke for privileged', () => {
    const c = parseConfig(
      yaml(
        `  - { id: q, name: "GitHub {period}", fallback_reviewer: sec@acme.example, stages: [{ strategy: manager }] }`,
      ),
      '/ws/tenure.yaml',
    );
    expect(c.reviews[0]).toMatchObject({
      recurrence: 'quarterly',
      due_in_days: 14,
      no_response: { default: 'keep', privileged: 'revoke' },
      scope: {},
    });
    expect(c.reviews[0]!.meaning).toMatch(/^I certify/);
  });

  it('names every bad key by its path', () => {
    const problems = problemsOf(
      yaml(`  - id: q
    name: x
    fallback_reviewer: sec
    no_response: { default: revoke, privileged: keep }
    scope: { applications: [gh, ghh], entitlements: [gh/owner] }
    stages:
      - { strategy: named }
      - { strategy: boss }`),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^reviews\[0\]\.no_response\.privileged: must be at least as strict/),
        expect.stringMatching(
          /^reviews\[0\]\.stages\[0\]\.reviewers: required for strategy "named"/,
        ),
        expect.stringMatching(/^reviews\[0\]\.stages\[1\]\.strategy: /),
      ]),
    );
    const four =
      '[{ strategy: manager }, { strategy: manager }, { strategy: manager }, { strategy: manager }]';
    expect(
      problemsOf(yaml(`  - { id: q, name: x, fallback_reviewer: s, stages: ${four} }`)),
    ).toEqual([expect.stringMatching(/^reviews\[0\]\.stages: Too big/)]);
    const refs = problemsOf(
      yaml(
        `  - { id: q, name: x, fallback_reviewer: s, scope: { applications: [gh, ghh], entitlements: [gh/owner] }, stages: [{ strategy: manager }] }`,
      ),
    );
    expect(refs).toEqual([
      'reviews[0].scope.applications[1]: unknown application "ghh"',
      'reviews[0].scope.entitlements[0]: unknown entitlement "owner" in application "gh"',
    ]);
  });
});
