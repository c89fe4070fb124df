import { describe, expect, it } from 'vitest';
import type { HrRecord } from '../../domain/types.js';
import { eventRecord, parseEventBody } from './event-body.js';

const known: HrRecord = {
  employee_id: 'E1',
  first_name: 'Ada',
  last_name: 'Lovelace',
  preferred_name: null,
  email: 'ada@example.com',
  department: 'Engineering',
  title: 'Engineer',
  manager_id: 'E0',
  location: 'Paris',
  employment_type: 'employee',
  status: 'active',
  start_date: '2024-01-15',
  end_date: null,
};
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const problems = (fn: () => unknown): string[] => {
  try {
    fn();
    return [];
  } catch (e) {
    expect((e as { code: string }).code).toBe('webhook.invalid');
    return (e as { details: { problems: string[] } }).details.problems;
  }
};

describe('HR event body', () => {
  it('parses the generic shape', () => {
    expect(parseEventBody(json({ employee_id: 'E1', event_id: 'ev-1' }))).toEqual({
      employee_id: 'E1',
      event_id: 'ev-1',
    });
  });

  it('names every problem with its path', () => {
    expect(problems(() => parseEventBody(Buffer.from('{"employee_id":')))).toEqual([
      expect.stringMatching(/^the body is not JSON/),
    ]);
    expect(
      problems(() =>
        parseEventBody(json({ employee_id: 'E 1', extra: 1, record: { title: true } })),
      ),
    ).toEqual([
      expect.stringMatching(/^employee_id: must be 1–64 characters/),
      expect.stringMatching(/^record\.title: /),
      'unknown key "extra"',
    ]);
    expect(problems(() => parseEventBody(json([1, 2])))).toHaveLength(1);
  });

  it('overlays a partial record on the known person; null clears a field', () => {
    const body = parseEventBody(
      json({ employee_id: 'E1', record: { title: 'Lead', manager_id: null } }),
    );
    expect(eventRecord(body, known)).toEqual({ ...known, title: 'Lead', manager_id: null });
  });

  it('needs a complete record for someone new, validated like an HR file row', () => {
    const body = parseEventBody(json({ employee_id: 'E9', record: { first_name: 'New' } }));
    const found = problems(() => eventRecord(body, undefined));
    expect(found).toContain('record: last_name is required');
    expect(found).toContain('record: start_date is required');
  });

  it('refuses unknown fields, a conflicting employee_id and invalid values', () => {
    const body = parseEventBody(
      json({
        employee_id: 'E1',
        record: { employee_id: 'E2', titel: 'x', email: 'nope', end_date: '2020-13-01' },
      }),
    );
    const found = problems(() => eventRecord(body, known));
    expect(found[0]).toMatch(/^record\.titel: unknown HR field/);
    expect(found[1]).toMatch(/^record\.employee_id: "E2" is not the event's employee_id "E1"/);
    const values = parseEventBody(
      json({ employee_id: 'E1', record: { email: 'nope', end_date: '2020-13-01' } }),
    );
    expect(problems(() => eventRecord(values, known))).toEqual([
      'record: email "nope" is not a plausible email address',
      expect.stringMatching(/^record: end_date "2020-13-01"/),
    ]);
  });
});
