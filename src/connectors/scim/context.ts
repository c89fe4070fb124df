/** What every part of the scim connector shares for one application: settings, HTTP, caches. */
import type { ConnectorLogger } from '../contract.js';
import type { ScimHttp } from './http.js';
import type { Mapping } from './mapping.js';
import type { ScimSettings } from './settings.js';

export type ScimCtx = {
  settings: ScimSettings;
  http: ScimHttp;
  mapping: Mapping;
  log: ConnectorLogger;
  retry: { retries: number; backoffMs: number; signal?: AbortSignal };
  /**
   * userName (lower case) -> SCIM id, learnt from lookups and creates. Only ids are cached (they
   * never change); state is always read fresh. Entries expire, and a 404 evicts them.
   */
  userIds: Map<string, { id: string; at: number }>;
  /** Planned account id (lower case) -> the userName its create gave it, when they differ. */
  aliases: Map<string, string>;
  /** entitlement id -> SCIM group id. */
  groupIds: Map<string, string>;
};

/** How long a userName -> id entry is trusted without a lookup. */
export const USER_ID_TTL_MS = 60_000;
