import { describe, expect, it } from 'vitest';
import { reportValue } from './paths.js';

describe('Workday report paths', () => {
  const entry = {
    Worker_ID: '21002',
    Manager: [{ Worker_ID: '21001' }, { Worker_ID: '21000' }],
    Org: { Descriptor: 'Engineering (Supervisory)', ID: 'SUP-1' },
    Emails: [{ Address: 'home@x.example' }, { Address: 'work@x.example' }],
  };

  it('reads top-level keys, nested paths, indexes and reference descriptors', () => {
    expect(reportValue(entry, 'Worker_ID')).toBe('21002');
    expect(reportValue(entry, 'Manager.Worker_ID')).toBe('21001');
    expect(reportValue(entry, 'Manager[1].Worker_ID')).toBe('21000');
    expect(reportValue(entry, 'Emails[1].Address')).toBe('work@x.example');
    expect(reportValue(entry, 'Org')).toBe('Engineering (Supervisory)');
    expect(reportValue(entry, 'Org.ID')).toBe('SUP-1');
    expect(reportValue(entry, 'Missing.Path')).toBeUndefined();
  });
});
