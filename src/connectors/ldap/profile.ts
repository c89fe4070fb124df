/**
 * Settings resolved against the flavour's defaults: which attributes name, identify and correlate
 * an account, which object classes to write, how to find users and groups.
 */
import { type Dn, formatDn, parseDn } from '../../domain/dn.js';
import { eqFilter } from './escape.js';
import type { LdapSettings } from './settings.js';

export type Profile = {
  flavour: 'openldap' | 'ad';
  /** The login: `uid` (openldap) or `sAMAccountName` (ad). Operation.account_id is its value. */
  loginAttr: string;
  /** The attribute naming the entry in its DN: `uid` (openldap) or `cn` (ad). */
  rdnAttr: string;
  employeeAttr: string;
  stateAttr: string;
  userClasses: string[];
  userFilter: string;
  groupClasses: string[];
  usersBase: Dn;
  groupsBase: Dn;
  usersBaseDn: string;
  groupsBaseDn: string;
  /** Lower-cased attributes a policy may not set: the connector owns them. */
  reserved: Set<string>;
};

export function resolveProfile(s: LdapSettings): Profile {
  const ad = s.flavour === 'ad';
  const usersBase = parseDn(s.users_base);
  const groupsBase = parseDn(s.groups_base);
  const loginAttr = ad ? 'sAMAccountName' : 'uid';
  const stateAttr = s.state_attribute ?? (ad ? 'info' : 'description');
  const reserved = new Set(
    [
      'objectClass',
      'memberOf',
      'member',
      'userPassword',
      'unicodePwd',
      loginAttr,
      stateAttr,
      ...(ad ? ['userAccountControl', 'pwdLastSet', 'accountExpires', 'objectCategory'] : []),
      ...(!ad && s.disable.lock_attribute ? [s.disable.lock_attribute] : []),
    ].map((a) => a.toLowerCase()),
  );
  return {
    flavour: s.flavour,
    loginAttr,
    rdnAttr: ad ? 'cn' : 'uid',
    employeeAttr: s.employee_id_attribute ?? (ad ? 'employeeID' : 'employeeNumber'),
    stateAttr,
    userClasses: unique([
      ...(ad ? ['top', 'person', 'organizationalPerson', 'user'] : ['inetOrgPerson']),
      ...s.object_classes,
    ]),
    // Computers are objectClass=user too in AD; objectCategory=person leaves them out.
    userFilter: ad
      ? '(&(objectCategory=person)(objectClass=user))'
      : eqFilter('objectClass', 'inetOrgPerson'),
    groupClasses: ad ? ['top', 'group'] : ['groupOfNames'],
    usersBase,
    groupsBase,
    usersBaseDn: formatDn(usersBase),
    groupsBaseDn: formatDn(groupsBase),
    reserved,
  };
}

const unique = (xs: string[]) => [...new Map(xs.map((x) => [x.toLowerCase(), x])).values()];
