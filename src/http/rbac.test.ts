import { describe, expect, it } from 'vitest';
import { ROLES } from '../domain/roles.js';
import { decide } from './rbac.js';

describe('decide', () => {
  const who = (role: (typeof ROLES)[number], identity_id: string | null = null) => ({
    role,
    identity_id,
  });

  it('no rule refuses everyone, even an admin', () => {
    expect(decide(undefined, who('admin'), {})).toBe('no_rule');
    expect(decide(undefined, null, {})).toBe('no_rule');
  });

  it('public allows everyone, signed in or not', () => {
    expect(decide('public', null, {})).toBe('allow');
    for (const r of ROLES) expect(decide('public', who(r), {})).toBe('allow');
  });

  it('a role list allows exactly those roles; nobody signed in is unauthenticated', () => {
    expect(decide(['admin', 'auditor'], null, {})).toBe('unauthenticated');
    expect(ROLES.map((r) => decide(['admin', 'auditor'], who(r), {}))).toEqual([
      'allow',
      'forbidden',
      'forbidden',
      'allow',
      'forbidden',
    ]);
  });

  it('self allows a person on their own identity only', () => {
    const rule = ['admin', 'self'] as const;
    expect(decide(rule, who('requester', 'E1'), { id: 'E1' })).toBe('allow');
    expect(decide(rule, who('requester', 'E1'), { id: 'E2' })).toBe('forbidden');
    expect(decide(rule, who('requester', null), { id: 'E1' })).toBe('forbidden');
    expect(decide(rule, who('requester', 'E1'), {})).toBe('forbidden');
    expect(decide(['admin'], who('requester', 'E1'), { id: 'E1' })).toBe('forbidden');
  });
});
