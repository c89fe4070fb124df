/** What every part of the ldap connector shares: settings, the resolved profile, the pool. */
import type { ConnectorLogger } from '../contract.js';
import type { RetryPolicy } from '../retry.js';
import type { LdapPool } from './pool.js';
import type { Profile } from './profile.js';
import type { LdapSettings } from './settings.js';

export type LdapCtx = {
  settings: LdapSettings;
  profile: Profile;
  pool: LdapPool;
  retry: RetryPolicy;
  log: ConnectorLogger;
  now: () => Date;
  /** Normalized DNs of containers seen to exist (they are not deleted behind our back often). */
  knownContainers: Set<string>;
};
