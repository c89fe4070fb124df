import { describe, expect, it } from 'vitest';
import { covers, meetRole, outranks, ROLES } from './roles.js';

describe('roles', () => {
  it('admin covers every role; every role covers itself and requester; operator and auditor are apart', () => {
    for (const r of ROLES) {
      expect(covers('admin', r)).toBe(true);
      expect(covers(r, r)).toBe(true);
      expect(covers(r, 'requester')).toBe(true);
    }
    expect(covers('operator', 'auditor')).toBe(false);
    expect(covers('auditor', 'operator')).toBe(false);
    expect(covers('requester', 'admin')).toBe(false);
  });

  it('meetRole: the smaller of two comparable roles, requester for two that are not', () => {
    expect(meetRole('admin', 'operator')).toBe('operator');
    expect(meetRole('operator', 'admin')).toBe('operator');
    expect(meetRole('auditor', 'auditor')).toBe('auditor');
    expect(meetRole('admin', 'requester')).toBe('requester');
    expect(meetRole('auditor', 'operator')).toBe('requester');
    expect(meetRole('reviewer', 'auditor')).toBe('requester');
    for (const a of ROLES)
      for (const b of ROLES) {
        const m = meetRole(a, b);
        expect(covers(a, m) && covers(b, m)).toBe(true);
        expect(meetRole(b, a)).toBe(m);
      }
  });

  it('outranks: strictly more, never the same role', () => {
    expect(outranks('admin', 'operator')).toBe(true);
    expect(outranks('admin', 'admin')).toBe(false);
    expect(outranks('operator', 'auditor')).toBe(false);
    expect(outranks('auditor', 'requester')).toBe(true);
    expect(outranks('requester', 'requester')).toBe(false);
  });
});
