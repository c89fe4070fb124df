/**
 * ldap: directories over LDAP v3 — OpenLDAP (`flavour: openldap`) and Active Directory
 * (`flavour: ad`). Accounts, containers (OUs), group memberships and manager links, idempotent,
 * pipelined over a small pool of TLS connections.
 * @see https://www.rfc-editor.org/rfc/rfc4511
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { TenureError } from '../../domain/errors.js';
import type { ConnectorFactory } from '../contract.js';
import { applyBatch } from './apply.js';
import { checkDirectory } from './check.js';
import type { LdapCtx } from './context.js';
import { describeError } from './errors.js';
import { createPool } from './pool.js';
import { resolveProfile } from './profile.js';
import { readAccounts } from './read.js';
import { sweepRetained } from './retention.js';
import { type LdapSettings, ldapSettingsSchema } from './settings.js';

function tlsOptions(s: LdapSettings, baseDir: string): ConnectionOptions {
  const o: ConnectionOptions = { minVersion: 'TLSv1.2' };
  if (s.tls.ca_file) {
    const file = isAbsolute(s.tls.ca_file) ? s.tls.ca_file : resolve(baseDir, s.tls.ca_file);
    try {
      o.ca = readFileSync(file);
    } catch (e) {
      throw new TenureError('app.ldap_ca_file', `tls.ca_file ${file}: ${(e as Error).message}`, {
        file,
      });
    }
  }
  if (s.tls.servername) o.servername = s.tls.servername;
  // StartTLS upgrades an existing socket: Node then needs the name to verify against.
  else o.host = new URL(s.url).hostname.replace(/^\[|\]$/g, '');
  return o;
}

export const ldapConnector: ConnectorFactory<LdapSettings> = {
  kind: 'ldap',
  configGuard: ldapSettingsSchema,
  async create(c) {
    const s = c.config;
    if (s.tls.starttls && s.url.startsWith('ldaps:'))
      throw new TenureError(
        'app.ldap_tls',
        'tls.starttls is for ldap:// URLs; ldaps:// is TLS already',
      );
    const pool = createPool({
      url: s.url,
      bindDn: s.bind_dn,
      password: () => c.secret(s.bind_password),
      starttls: s.tls.starttls,
      tls: tlsOptions(s, c.baseDir),
      size: s.pool_size,
      pipeline: s.pipeline,
      connectTimeoutMs: s.timeouts.connect_ms,
      operationTimeoutMs: s.timeouts.operation_ms,
      pageSize: s.flavour === 'ad' ? Math.min(s.page_size, 1000) : s.page_size,
    });
    const ctx: LdapCtx = {
      settings: s,
      profile: resolveProfile(s),
      pool,
      retry: {
        retries: s.retries,
        backoffMs: s.retry_backoff_ms,
        ...(c.signal ? { signal: c.signal } : {}),
      },
      log: c.log,
      now: () => new Date(),
      knownContainers: new Set(),
    };
    let swept = s.delete_retention_days === 0;
    return {
      check: () => checkDirectory(ctx),
      read: (opts) => readAccounts(ctx, opts),
      async *apply(ops) {
        if (!swept) {
          swept = true;
          try {
            const n = await sweepRetained(ctx);
            if (n > 0) c.log.info({ deleted: n }, 'ldap: deleted accounts past their retention');
          } catch (e) {
            c.log.warn(
              { error: describeError(e) },
              'ldap: retention sweep failed; retried next run',
            );
          }
        }
        yield* await applyBatch(ctx, ops);
      },
      close: () => pool.close(),
    };
  },
};
