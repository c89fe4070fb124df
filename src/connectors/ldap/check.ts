/**
 * check(): what `tenure apps check` shows — reachability, TLS, bind, the bases, and the rights the
 * bind account has (AD: allowedChildClassesEffective; OpenLDAP: a probe entry added, modified and
 * deleted under each base, since it has no effective-rights attribute by default).
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Attribute, Change } from 'ldapts';
import { formatDn } from '../../domain/dn.js';
import type { CheckResult } from '../contract.js';
import type { LdapCtx } from './context.js';
import { describeError } from './errors.js';

type Check = CheckResult['checks'][number];

function tcpProbe(url: string, timeoutMs: number): Promise<Check> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'ldaps:' ? 636 : 389));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const started = performance.now();
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean, detail: string) => {
      s.destroy();
      resolve({ name: 'reachable', ok, detail });
    };
    s.once('connect', () =>
      done(true, `${host}:${port} answered in ${Math.round(performance.now() - started)} ms`),
    );
    s.once('timeout', () => done(false, `${host}:${port}: no answer within ${timeoutMs} ms`));
    s.once('error', (e) => done(false, `${host}:${port}: ${e.message}`));
  });
}

const TLS_ERROR = /certificate|self[- ]signed|altname|hostname|TLS|SSL|handshake|wrong version/i;

export async function checkDirectory(ctx: LdapCtx): Promise<CheckResult> {
  const s = ctx.settings;
  const checks: Check[] = [await tcpProbe(s.url, s.timeouts.connect_ms)];
  const skip = (name: string) => checks.push({ name, ok: false, detail: 'not attempted' });
  if (!checks[0]!.ok) {
    for (const n of ['tls', 'bind', 'bases', 'rights']) skip(n);
    return { ok: false, checks };
  }
  try {
    await ctx.pool.search('', {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['namingContexts'],
    });
  } catch (e) {
    const tlsProblem = TLS_ERROR.test((e as Error).message);
    checks.push({
      name: 'tls',
      ok: !tlsProblem,
      detail: tlsProblem ? describeError(e) : tlsDetail(ctx),
    });
    checks.push({
      name: 'bind',
      ok: false,
      detail: tlsProblem ? 'not attempted' : `as ${s.bind_dn}: ${describeError(e)}`,
    });
    skip('bases');
    skip('rights');
    return { ok: false, checks };
  }
  const plainAd = !ctx.pool.secure && ctx.profile.flavour === 'ad';
  checks.push({
    name: 'tls',
    ok: !plainAd,
    detail: tlsDetail(ctx) + (plainAd ? ' (ad needs TLS to set passwords)' : ''),
  });
  checks.push({ name: 'bind', ok: true, detail: `bound as ${s.bind_dn}` });
  const bases: string[] = [];
  for (const base of [ctx.profile.usersBaseDn, ctx.profile.groupsBaseDn]) {
    try {
      await ctx.pool.search(base, {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: ['1.1'],
      });
    } catch (e) {
      bases.push(`${base}: ${describeError(e)}`);
    }
  }
  checks.push({
    name: 'bases',
    ok: bases.length === 0,
    detail: bases.length ? bases.join('; ') : `users_base and groups_base exist`,
  });
  checks.push(ctx.profile.flavour === 'ad' ? await adRights(ctx) : await probeRights(ctx));
  return { ok: checks.every((c) => c.ok), checks };
}

function tlsDetail(ctx: LdapCtx): string {
  if (!ctx.pool.secure) return 'none: plain LDAP, traffic is not encrypted';
  const t = ctx.pool.tlsInfo();
  if (!t) return 'TLS negotiated';
  const how = ctx.settings.url.startsWith('ldaps:') ? 'ldaps' : 'StartTLS';
  return `${how}, ${t.protocol ?? 'TLS'}, certificate ${t.subject ? `CN=${t.subject} ` : ''}${t.authorized ? 'verified' : `not verified (${t.error ?? 'unknown'})`}`;
}

async function adRights(ctx: LdapCtx): Promise<Check> {
  const found: string[] = [];
  const missing: string[] = [];
  const want: [string, string, string[]][] = [
    ['users_base', ctx.profile.usersBaseDn, ['user', 'organizationalUnit']],
    ['groups_base', ctx.profile.groupsBaseDn, ['group']],
  ];
  for (const [label, dn, classes] of want) {
    try {
      const [e] = await ctx.pool.search(dn, {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: ['allowedChildClassesEffective'],
      });
      const allowed = new Set(
        (e?.attrs.get('allowedchildclasseseffective') ?? []).map((c) => c.toLowerCase()),
      );
      for (const c of classes)
        (allowed.has(c.toLowerCase()) ? found : missing).push(`create ${c} in ${label}`);
    } catch (e) {
      missing.push(`${label}: ${describeError(e)}`);
    }
  }
  return {
    name: 'rights',
    ok: missing.length === 0,
    detail: [
      found.length ? `can ${found.join(', ')}` : '',
      missing.length ? `cannot ${missing.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; '),
  };
}

async function probeRights(ctx: LdapCtx): Promise<Check> {
  const found: string[] = [];
  const missing: string[] = [];
  for (const [label, base] of [
    ['users_base', ctx.profile.usersBase],
    ['groups_base', ctx.profile.groupsBase],
  ] as const) {
    const name = `tenure-check-${randomBytes(4).toString('hex')}`;
    const dn = formatDn([[{ type: 'ou', value: name }], ...base]);
    let step = 'create';
    try {
      await ctx.pool.add(dn, [
        new Attribute({ type: 'objectClass', values: ['organizationalUnit'] }),
        new Attribute({ type: 'ou', values: [name] }),
      ]);
      step = 'modify';
      await ctx.pool.modify(dn, [
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'description', values: ['tenure apps check probe'] }),
        }),
      ]);
      step = 'delete';
      await ctx.pool.del(dn);
      found.push(`create, modify and delete entries in ${label}`);
    } catch (e) {
      missing.push(`${step} entries in ${label}: ${describeError(e)}`);
      if (step !== 'create') await ctx.pool.del(dn).catch(() => {});
    }
  }
  return {
    name: 'rights',
    ok: missing.length === 0,
    detail: [
      found.length ? `can ${found.join('; ')}` : '',
      missing.length ? `cannot ${missing.join('; ')}` : '',
    ]
      .filter(Boolean)
      .join('; '),
  };
}
