/** How a flavour creates accounts and switches them on and off; chosen once per connector (flavour-of.ts). */
import type { Attribute } from 'ldapts';
import type { LdapCtx } from './context.js';
import type { Entry } from './pool.js';

export type Flavour = {
  isEnabled(ctx: LdapCtx, entry: Entry): boolean;
  /** Writes a new account, enabled or not; on failure nothing half-made is left behind. */
  create(ctx: LdapCtx, dn: string, attrs: Attribute[], enabled: boolean): Promise<void>;
  /** Brings the account to `enabled`; returns whether anything was written. */
  setEnabled(ctx: LdapCtx, entry: Entry, enabled: boolean): Promise<boolean>;
};
