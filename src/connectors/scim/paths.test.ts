import { describe, expect, it } from 'vitest';
import { clearPath, parsePath, readPath, renderPath, writePath } from './paths.js';

const EXT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('SCIM attribute paths', () => {
  it('parse the forms the connector writes', () => {
    expect(parsePath('displayName')).toEqual({
      schema: null,
      attr: 'displayName',
      filter: null,
      sub: null,
    });
    expect(parsePath('name.givenName')).toMatchObject({ attr: 'name', sub: 'givenName' });
    expect(parsePath('emails[type eq "work"].value')).toEqual({
      schema: null,
      attr: 'emails',
      filter: { attr: 'type', value: 'work' },
      sub: 'value',
    });
    expect(parsePath(`${EXT}:employeeNumber`)).toEqual({
      schema: EXT,
      attr: 'employeeNumber',
      filter: null,
      sub: null,
    });
    expect(parsePath(`${EXT}:manager.value`)).toMatchObject({
      schema: EXT,
      attr: 'manager',
      sub: 'value',
    });
    expect(parsePath('addresses[type eq "a \\"b\\""].locality').filter?.value).toBe('a "b"');
  });

  it('refuse what they cannot read and write, saying why', () => {
    expect(() => parsePath('emails[type eq "work"]')).toThrow(/name the sub-attribute/);
    expect(() => parsePath('emails[type co "w"].value')).toThrow(/not a SCIM attribute path/);
    expect(() => parsePath('a.b.c')).toThrow(/not a SCIM attribute path/);
    expect(() => parsePath('')).toThrow();
  });

  it('render back for PATCH, with the filter value escaped', () => {
    const p = parsePath('addresses[type eq "a \\"b\\""].locality');
    expect(renderPath(p)).toBe('addresses[type eq "a \\"b\\""].locality');
    expect(renderPath(p, true)).toBe('addresses[type eq "a \\"b\\""]');
    expect(renderPath(parsePath(`${EXT}:employeeNumber`))).toBe(`${EXT}:employeeNumber`);
  });

  it('read values case-insensitively, the primary element when unfiltered', () => {
    const user = {
      userName: 'x',
      Name: { GivenName: 'Ann' },
      emails: [
        { type: 'home', value: 'h@x' },
        { type: 'Work', value: 'w@x', primary: true },
      ],
      active: false,
      [EXT]: { employeeNumber: 'E1' },
    };
    expect(readPath(user, parsePath('name.givenName'))).toBe('Ann');
    expect(readPath(user, parsePath('emails[type eq "work"].value'))).toBe('w@x');
    expect(readPath(user, parsePath('emails.value'))).toBe('w@x');
    expect(readPath(user, parsePath('active'))).toBe('false');
    expect(readPath(user, parsePath(`${EXT}:employeeNumber`))).toBe('E1');
    expect(readPath(user, parsePath('title'))).toBeUndefined();
  });

  it('write into a body (adding extension schemas) and clear again', () => {
    const body: Record<string, unknown> = { schemas: ['core'] };
    writePath(body, parsePath('name.givenName'), 'Ann');
    writePath(body, parsePath('emails[type eq "work"].value'), 'w@x');
    writePath(body, parsePath('emails[type eq "work"].value'), 'w2@x');
    writePath(body, parsePath(`${EXT}:employeeNumber`), 'E1');
    expect(body).toEqual({
      schemas: ['core', EXT],
      name: { givenName: 'Ann' },
      emails: [{ type: 'work', value: 'w2@x' }],
      [EXT]: { employeeNumber: 'E1' },
    });
    clearPath(body, parsePath('emails[type eq "work"].value'));
    clearPath(body, parsePath('name.givenName'));
    clearPath(body, parsePath(`${EXT}:employeeNumber`));
    expect(body).toEqual({ schemas: ['core', EXT], name: {}, emails: [], [EXT]: {} });
  });
});
