/** tenure.yaml `correlation` and `orphans`: accepted forms and errors that name the exact key. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';

const yaml = (app: string) => `
organisation: { name: X, time_zone: UTC }
sources: [{ id: hr, type: file, path: hr.csv }]
applications:
  - id: dir
    connector: csv-export
    settings: { path: out/dir.csv }
${app}
`;

const problems = (app: string): string[] => {
  try {
    parseConfig(yaml(app), 'tenure.yaml');
    return [];
  } catch (e) {
    return ((e as { details?: { problems?: string[] } }).details?.problems ?? [String(e)]).slice();
  }
};

describe('correlation and orphans config', () => {
  it('accepts the documented forms, with defaults', () => {
    const config = parseConfig(
      yaml(`    orphans: disable
    correlation:
      - { attribute: employee_id }
      - { attribute: mail, identity: email, ignore_case: false }
      - { account_id: true }
      - { account_id: "{first_name}.{last_name}" }`),
      'tenure.yaml',
    );
    const app = config.applications[0]!;
    expect(app.orphans).toBe('disable');
    expect(app.correlation).toEqual([
      { attribute: 'employee_id', ignore_case: true },
      { attribute: 'mail', identity: 'email', ignore_case: false },
      { account_id: true, ignore_case: true },
      { account_id: '{first_name}.{last_name}', ignore_case: true },
    ]);
    const plain = parseConfig(yaml(''), 'tenure.yaml').applications[0]!;
    expect(plain.correlation).toBeUndefined(); // default rules apply (DEFAULT_CORRELATION)
    expect(plain.orphans).toBeUndefined(); // = report
  });

  it.each([
    [
      '    correlation: [{ attribute: employeeNumber }]',
      /correlation\[0\]\.identity: required: "employeeNumber" is not an identity attribute/,
    ],
    [
      '    correlation: [{ attribute: mail, identity: emial }]',
      /correlation\[0\]\.identity: unknown identity attribute "emial"/,
    ],
    [
      '    correlation: [{ account_id: "{nope}" }]',
      /correlation\[0\]\.account_id: bad template "\{nope\}"/,
    ],
    ['    correlation: [{ account_id: false }]', /correlation\[0\]\.account_id: must be true/],
    [
      '    correlation: [{ attribute: mail, account_id: true }]',
      /correlation\[0\]: give exactly one of "attribute" or "account_id"/,
    ],
    [
      '    correlation: [{ account_id: true, identity: email }]',
      /correlation\[0\]\.identity: only with "attribute"/,
    ],
    ['    correlation: [{ atribute: mail }]', /correlation\[0\]: unknown key "atribute"/],
    ['    correlation: []', /applications\[0\]\.correlation: /],
    ['    orphans: delete', /applications\[0\]\.orphans: /],
  ])('rejects %s', (app, message) => {
    expect(problems(app).join('\n')).toMatch(message);
  });
});
