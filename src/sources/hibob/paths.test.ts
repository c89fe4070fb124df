import { describe, expect, it } from 'vitest';
import { hasPath, requestedField, valueAt } from './paths.js';

describe('HiBob field paths', () => {
  const nested = {
    id: '3332883884017713238',
    email: 'ada@acme.example',
    work: { title: 'Engineer', reportsTo: { id: '42', email: 'b@acme.example' }, site: null },
  };
  const pointer = {
    '/root/id': { value: '3332883884017713238' },
    '/work/title': { value: 'Engineer' },
    '/work/reportsTo': { value: { id: '42', displayName: 'Boss' } },
  };

  it('reads root fields at the top level and nested categories', () => {
    expect(valueAt(nested, 'root.id')).toBe('3332883884017713238');
    expect(valueAt(nested, 'work.title')).toBe('Engineer');
    expect(valueAt(nested, 'work.reportsTo.id')).toBe('42');
    expect(valueAt(nested, 'work.site')).toBeNull();
    expect(valueAt(nested, 'internal.status')).toBeUndefined();
  });

  it('reads JSON-pointer keys with {value}', () => {
    expect(valueAt(pointer, 'root.id')).toBe('3332883884017713238');
    expect(valueAt(pointer, 'work.title')).toBe('Engineer');
    expect(valueAt(pointer, 'work.reportsTo.id')).toBe('42');
  });

  it('asks for the field, not its pick, and knows an absent field from an empty one', () => {
    expect(requestedField('work.reportsTo.id')).toBe('work.reportsTo');
    expect(requestedField('work.title')).toBe('work.title');
    expect(requestedField('work.custom.field_123')).toBe('work.custom.field_123');
    expect(hasPath(nested, 'work.site')).toBe(true);
    expect(hasPath(nested, 'work.reportsTo.id')).toBe(true);
    expect(hasPath(nested, 'work.department')).toBe(false);
    expect(hasPath(pointer, 'work.title')).toBe(true);
  });
});
