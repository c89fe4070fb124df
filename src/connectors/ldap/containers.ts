/**
 * Containers (OUs): from a policy's container value to a DN under users_base and back, creating
 * missing `ou=` levels, and the connector's own notes kept in the state attribute.
 */
import { Attribute, Change } from 'ldapts';
import { type Dn, formatDn, normalizeDn, parseDn, relativeRdns } from '../../domain/dn.js';
import type { LdapCtx } from './context.js';
import { isCode, LdapOpError, RC } from './errors.js';
import type { Entry } from './pool.js';

/** The absolute DN of the container a policy names (`null`/empty: users_base itself). */
export function containerParent(ctx: LdapCtx, container: string | null | undefined): Dn {
  if (!container) return ctx.profile.usersBase;
  const rel = ctx.settings.containers[container] ?? container;
  try {
    return [...parseDn(rel), ...ctx.profile.usersBase];
  } catch (e) {
    throw new LdapOpError(
      `container "${container}" is not a DN relative to users_base (${(e as Error).message}); map such values under settings.containers`,
    );
  }
}

export const parentOf = (entry: Entry): Dn => parseDn(entry.dn).slice(1);

const disabledParent = (ctx: LdapCtx): Dn | undefined =>
  ctx.profile.flavour === 'openldap' && ctx.settings.disable.move_to !== undefined
    ? containerParent(ctx, ctx.settings.disable.move_to)
    : undefined;

/** Whether the entry sits in the disabled container (openldap `disable.move_to`). */
export function inDisabledContainer(ctx: LdapCtx, entry: Entry): boolean {
  const d = disabledParent(ctx);
  return d !== undefined && normalizeDn(parentOf(entry)) === normalizeDn(d);
}

/** The container a policy would name for this entry: mapped back, or the DN below users_base. */
export function containerOf(ctx: LdapCtx, entry: Entry): string | null {
  let parent = parentOf(entry);
  if (inDisabledContainer(ctx, entry)) {
    const saved = readState(ctx, entry, 'container');
    if (saved !== undefined) parent = containerParent(ctx, saved || null);
  }
  const rel = relativeRdns(parent, ctx.profile.usersBase);
  if (rel === undefined) return formatDn(parent);
  if (rel.length === 0) return null;
  const key = normalizeDn(rel);
  for (const [name, dn] of Object.entries(ctx.settings.containers))
    if (normalizeDn(dn) === key) return name;
  return formatDn(rel);
}

/** Creates the missing `ou=` levels of `parent` below users_base, top down. */
export async function ensureContainer(ctx: LdapCtx, parent: Dn): Promise<void> {
  const rel = relativeRdns(parent, ctx.profile.usersBase);
  if (!ctx.settings.create_containers || rel === undefined || rel.length === 0)
    throw new LdapOpError(`container ${formatDn(parent)} does not exist`);
  for (let i = rel.length - 1; i >= 0; i--) {
    const rdn = rel[i]!;
    const ava = rdn[0]!;
    const dn = formatDn([...rel.slice(i), ...ctx.profile.usersBase]);
    if (rdn.length !== 1 || ava.type.toLowerCase() !== 'ou')
      throw new LdapOpError(`container ${dn} does not exist (only ou= containers are created)`);
    try {
      await ctx.pool.add(dn, [
        new Attribute({ type: 'objectClass', values: ['top', 'organizationalUnit'] }),
        new Attribute({ type: 'ou', values: [ava.value] }),
      ]);
    } catch (e) {
      if (!isCode(e, RC.entryAlreadyExists)) throw e;
    }
  }
}

/**
 * Makes sure the containers a batch of creates needs exist, each checked once per connector:
 * otherwise every concurrent create in a new OU would fail, create it and retry.
 */
export async function prepareContainers(
  ctx: LdapCtx,
  creates: { container?: string | null }[],
): Promise<void> {
  const wanted = new Map<string, Dn>();
  for (const op of creates) {
    try {
      const parent = containerParent(ctx, op.container);
      const key = normalizeDn(parent);
      if (!ctx.knownContainers.has(key)) wanted.set(key, parent);
    } catch {
      // A bad container fails its own operation, with the reason, later.
    }
  }
  await Promise.all([...wanted.values()].map((parent) => ensureKnown(ctx, parent)));
}

/** Checks once per connector that a container exists, creating it if allowed; never throws. */
export async function ensureKnown(ctx: LdapCtx, parent: Dn): Promise<void> {
  const key = normalizeDn(parent);
  if (ctx.knownContainers.has(key)) return;
  try {
    const hit = await ctx.pool.search(formatDn(parent), {
      scope: 'base',
      filter: '(objectClass=*)',
      attributes: ['1.1'],
    });
    if (hit.length > 0) {
      ctx.knownContainers.add(key);
      return;
    }
  } catch (e) {
    if (!isCode(e, RC.noSuchObject)) return; // the operation will report it
  }
  try {
    await ensureContainer(ctx, parent);
    ctx.knownContainers.add(key);
  } catch {
    // Not creatable (create_containers: false, not an ou=): the operation reports why.
  }
}

/** A missing parent: noSuchObject, or Samba's "parent does not exist" on a rename. */
const missingParent = (e: unknown) =>
  isCode(e, RC.noSuchObject) || /parent does not exist/i.test((e as Error)?.message ?? '');

/** Runs `fn`; if the parent is missing, creates it (when allowed) and runs `fn` once more. */
export async function withContainer<T>(ctx: LdapCtx, parent: Dn, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!missingParent(e) || !ctx.settings.create_containers) throw e;
    await ensureContainer(ctx, parent);
    ctx.knownContainers.add(normalizeDn(parent));
    return fn();
  }
}

const PREFIX = 'tenure:';

/** A `tenure:<key>=<value>` note from the state attribute. */
export function readState(ctx: LdapCtx, entry: Entry, key: string): string | undefined {
  const tag = `${PREFIX}${key}=`;
  const v = entry.attrs.get(ctx.profile.stateAttr.toLowerCase())?.find((x) => x.startsWith(tag));
  return v?.slice(tag.length);
}

/** The change that sets (or with undefined, removes) one note, keeping every other value. */
export function stateChange(
  ctx: LdapCtx,
  entry: Entry,
  key: string,
  value: string | undefined,
): Change | undefined {
  const name = ctx.profile.stateAttr;
  const current = entry.attrs.get(name.toLowerCase()) ?? [];
  const tag = `${PREFIX}${key}=`;
  const next = [
    ...current.filter((v) => !v.startsWith(tag)),
    ...(value === undefined ? [] : [`${tag}${value}`]),
  ];
  if (next.length === current.length && next.every((v, i) => v === current[i])) return undefined;
  return next.length === 0
    ? new Change({ operation: 'delete', modification: new Attribute({ type: name }) })
    : new Change({
        operation: 'replace',
        modification: new Attribute({ type: name, values: next }),
      });
}

/** Values of the state attribute that are not the connector's notes (what read() may show). */
export const isStateNote = (v: string) => v.startsWith(PREFIX);
