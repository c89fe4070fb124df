/** Tests: conditions, templates and hostile attribute values. */
import { describe, expect, it } from 'vitest';
import type { Condition } from './policy.js';
import {
  checkCondition,
  displayName,
  identityAttributes,
  matches,
  renderTemplate,
  templateFields,
} from './policy.js';
import { hr, identity } from './test-fixtures.js';

const attrs = identityAttributes(identity({ department: 'Sales', location: 'Lyon' }, 'leave'));

describe('matches', () => {
  it.each<[Condition | undefined, boolean]>([
    [undefined, true],
    [{ equals: { department: 'Sales' } }, true],
    [{ equals: { department: 'sales' } }, false],
    [{ equals: { department: 'Sales', location: 'Paris' } }, false],
    [{ in: { location: ['Paris', 'Lyon'] } }, true],
    [{ in: { location: [] } }, false],
    [{ regex: { email: '@example\\.com$' } }, true],
    [{ regex: { department: '^Sal' } }, true],
    [{ regex: { department: '^ales' } }, false],
    [{ and: [{ equals: { department: 'Sales' } }, { equals: { location: 'Lyon' } }] }, true],
    [{ and: [{ equals: { department: 'Sales' } }, { equals: { location: 'Nice' } }] }, false],
    [{ or: [{ equals: { department: 'HR' } }, { in: { location: ['Lyon'] } }] }, true],
    [{ not: { equals: { department: 'Sales' } } }, false],
    [{ equals: { status: 'leave' } }, true], // effective status, not HR's `active`
    [{ equals: { display_name: 'Jane Doe' } }, true],
  ])('%j -> %s', (cond, expected) => {
    expect(matches(cond, attrs)).toBe(expected);
  });

  it('a missing or null attribute never matches equals/in/regex', () => {
    expect(matches({ equals: { manager_id: '' } }, attrs)).toBe(false);
    expect(matches({ in: { manager_id: ['', 'null'] } }, attrs)).toBe(false);
    expect(matches({ regex: { manager_id: '.*' } }, attrs)).toBe(false);
    expect(matches({ regex: { nope: '.*' } }, attrs)).toBe(false);
    expect(matches({ not: { equals: { nope: 'x' } } }, attrs)).toBe(true);
  });

  it('regexes are unicode-aware', () => {
    const zoe = identityAttributes(identity({ first_name: 'Zoë' }));
    expect(matches({ regex: { first_name: '^Zo.$' } }, zoe)).toBe(true);
    expect(matches({ regex: { first_name: '^\\p{Lu}\\p{Ll}+$' } }, zoe)).toBe(true);
  });

  it('checkCondition rejects unknown attributes', () => {
    expect(() =>
      checkCondition({ not: { equals: { departmnt: 'x' } } }, 'policies.p.when'),
    ).toThrow(expect.objectContaining({ code: 'policy.unknown_field' }));
    expect(() =>
      checkCondition({ equals: { display_name: 'x', status: 'active' } }, 'w'),
    ).not.toThrow();
  });
});

describe('display_name', () => {
  it('prefers the preferred name', () => {
    expect(displayName(hr({ preferred_name: 'Jay' }))).toBe('Jay Doe');
    expect(displayName(hr({ preferred_name: null }))).toBe('Jane Doe');
    expect(displayName(hr({ preferred_name: '  ' }))).toBe('Jane Doe');
  });
});

describe('templates', () => {
  it('renders fields, literal braces and nulls', () => {
    const a = identityAttributes(identity({ preferred_name: null }));
    expect(renderTemplate('{first_name}.{last_name}@corp', a)).toBe('Jane.Doe@corp');
    expect(renderTemplate('{{literal}} {employee_id} }}', a)).toBe('{literal} E1 }');
    expect(renderTemplate('[{preferred_name}]', a)).toBe('[]');
    expect(renderTemplate('', a)).toBe('');
    expect(renderTemplate('static', a)).toBe('static');
    expect(renderTemplate('cn={display_name},ou={department}', a)).toBe(
      'cn=Jane Doe,ou=Engineering',
    );
  });

  it('lists fields in order of first use', () => {
    expect(templateFields('{last_name}, {first_name} {last_name} {{x}}')).toEqual([
      'last_name',
      'first_name',
    ]);
  });

  it('unknown or malformed fields throw with codes', () => {
    expect(() => templateFields('{frist_name}')).toThrow(
      expect.objectContaining({ code: 'policy.unknown_field' }),
    );
    expect(() => templateFields('{first_name')).toThrow(
      expect.objectContaining({ code: 'policy.bad_template' }),
    );
    expect(() => templateFields('a}b')).toThrow(
      expect.objectContaining({ code: 'policy.bad_template' }),
    );
    expect(() => templateFields('{First}')).toThrow(
      expect.objectContaining({ code: 'policy.bad_template' }),
    );
  });

  it.each([
    'a+b"c\\<d>;e=f',
    '*)(uid=*',
    'Zoë Ñúñez',
    '王小明',
    "O'Brien, Jr.",
    '#hash',
    '{employee_id}',
    '{{x}}',
  ])('passes hostile value %s through unchanged', (value) => {
    const a = identityAttributes(identity({ last_name: value, department: value }));
    expect(renderTemplate('{last_name}', a)).toBe(value);
    expect(renderTemplate('x={department};', a)).toBe(`x=${value};`);
    expect(matches({ equals: { last_name: value } }, a)).toBe(true);
    expect(matches({ in: { department: [value] } }, a)).toBe(true);
  });
});
