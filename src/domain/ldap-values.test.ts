import { describe, expect, it } from 'vitest';
import { isDnAttribute, sameLdapContainer, sameLdapValue } from './ldap-values.js';

describe('sameLdapValue', () => {
  it('DN values match without case, spaces after separators, in any order', () => {
    expect(sameLdapValue('seeAlso', 'cn=Doc, ou=Docs,dc=x', 'CN=doc,OU=docs,DC=X')).toBe(true);
    expect(sameLdapValue('member', 'uid=a,dc=x\nuid=b,dc=x', 'UID=B,DC=X\nuid=a, dc=x')).toBe(true);
    expect(sameLdapValue('owner', 'uid=a,dc=x', 'uid=b,dc=x')).toBe(false);
    expect(sameLdapValue('owner', 'uid=a,dc=x', 'uid=a,dc=x\nuid=b,dc=x')).toBe(false);
  });

  it('escaped and hex-escaped spellings of one value are the same DN', () => {
    expect(sameLdapValue('manager', 'cn=Lee\\, Ann,dc=x', 'cn=lee\\2c ann,dc=x')).toBe(true);
  });

  it('other attributes, and values that are no DN, compare exactly', () => {
    expect(sameLdapValue('title', 'cn=A', 'CN=a')).toBe(false);
    expect(sameLdapValue('manager', 'P001', 'p001')).toBe(false);
    expect(sameLdapValue('manager', 'P001', 'P001')).toBe(true);
  });

  it('knows DN attributes whatever the case of their name', () => {
    expect(isDnAttribute('seeAlso')).toBe(true);
    expect(isDnAttribute('MANAGEDBY')).toBe(true);
    expect(isDnAttribute('mail')).toBe(false);
  });

  it('containers: the same place whatever the spelling; mapped names exactly', () => {
    expect(sameLdapContainer('ou=Sales', 'OU=sales')).toBe(true);
    expect(sameLdapContainer('ou=Eng, ou=R&D', 'OU=eng,OU=r&d')).toBe(true);
    expect(sameLdapContainer('ou=Sales', 'ou=Eng')).toBe(false);
    expect(sameLdapContainer('Engineering', 'engineering')).toBe(false);
  });
});
