/** The ldap connector's settings (tenure.yaml `applications[].settings`), validated by zod. */
import { z } from 'zod';
import { parseDn } from '../../domain/dn.js';
import { secretRef } from '../../domain/secret-ref.js';
import { ATTRIBUTE_NAME } from './escape.js';

const dn = (what: string) =>
  z.string().superRefine((v, ctx) => {
    try {
      if (parseDn(v).length === 0) ctx.addIssue({ code: 'custom', message: `${what} is empty` });
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  });
const relativeDn = z.string().superRefine((v, ctx) => {
  try {
    parseDn(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});
const attribute = z.string().regex(ATTRIBUTE_NAME, 'must be an LDAP attribute name');
const ms = (def: number) => z.number().int().min(100).max(600_000).default(def);

export const ldapSettingsSchema = z.strictObject({
  /** `openldap` (inetOrgPerson + groupOfNames) or `ad` (Active Directory user + group). */
  flavour: z.enum(['openldap', 'ad']).default('openldap'),
  url: z
    .string()
    .regex(/^ldaps?:\/\/[^/\s]+\/?$/, 'must be ldap://host[:port] or ldaps://host[:port]'),
  bind_dn: z.string().min(1),
  bind_password: secretRef,
  tls: z
    .strictObject({
      /** PEM file of the CA that signed the server certificate (relative to the workspace). */
      ca_file: z.string().optional(),
      /** Upgrade an ldap:// connection with StartTLS before binding. */
      starttls: z.boolean().default(false),
      /** Name the certificate must carry when it differs from the URL's host. */
      servername: z.string().optional(),
    })
    .prefault({}),
  users_base: dn('users_base'),
  groups_base: dn('groups_base'),
  /** Where the HR employee id is kept, for correlation and manager links. */
  employee_id_attribute: attribute.optional(),
  /** Extra object classes for new accounts, added to the flavour's own. */
  object_classes: z.array(attribute).default([]),
  /** Container value from a policy -> DN relative to users_base, e.g. `Engineering: ou=Eng`. */
  containers: z.record(z.string(), relativeDn).default({}),
  /** Create missing `ou=` containers under users_base on create and move. */
  create_containers: z.boolean().default(true),
  /** Entitlement id -> group DN; default `cn=<id>,<groups_base>`. */
  groups: z.record(z.string(), dn('group DN')).default({}),
  /** Create a missing group on the first grant. */
  create_groups: z.boolean().default(true),
  /** openldap: groupOfNames needs one member; this DN (default: the empty DN) fills in. */
  placeholder_member: z.string().default(''),
  /** openldap: read memberships from memberOf (the memberof overlay) instead of the groups. */
  use_memberof: z.boolean().default(true),
  /** openldap: what disabling does. */
  disable: z
    .strictObject({
      lock_attribute: attribute.nullable().default('pwdAccountLockedTime'),
      lock_value: z.string().min(1).default('000001010000Z'),
      /** Move disabled accounts to this container (relative to users_base). */
      move_to: relativeDn.optional(),
      /** Also remove the account from every group it is in. */
      remove_groups: z.boolean().default(false),
    })
    .prefault({})
    .refine((d) => d.lock_attribute !== null || d.move_to !== undefined, {
      message: 'needs lock_attribute or move_to (or both)',
    }),
  /** Where the connector keeps its own notes (`tenure:` values): restore container, delete date. */
  state_attribute: attribute.optional(),
  /** account.delete disables at once and deletes this many days later (0 = delete at once). */
  delete_retention_days: z.number().int().min(0).max(3650).default(0),
  /** ad: userPrincipalName = <sAMAccountName>@<upn_suffix> unless a policy sets it. */
  upn_suffix: z
    .string()
    .regex(/^[^@\s]+$/, 'must be a domain, without "@"')
    .optional(),
  /** ad: length of the random initial password (never shown; the user resets it). */
  initial_password_length: z.number().int().min(14).max(128).default(24),
  /** Attributes read() returns; default: openldap every user attribute, ad a common set. */
  read_attributes: z.array(attribute).optional(),
  timeouts: z.strictObject({ connect_ms: ms(5_000), operation_ms: ms(30_000) }).prefault({}),
  /** Connections kept open to the server. */
  pool_size: z.number().int().min(1).max(32).default(4),
  /** Operations in flight per connection (pipelining). */
  pipeline: z.number().int().min(1).max(64).default(8),
  page_size: z.number().int().min(1).max(5_000).default(500),
  /** Retries of transient failures (server down, busy, timeout), with exponential backoff. */
  retries: z.number().int().min(0).max(10).default(3),
  retry_backoff_ms: z.number().int().min(0).max(60_000).default(200),
});

export type LdapSettings = z.infer<typeof ldapSettingsSchema>;
