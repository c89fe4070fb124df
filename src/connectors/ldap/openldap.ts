/**
 * openldap flavour: inetOrgPerson accounts. Disabled = a lock attribute (by default ppolicy's
 * `pwdAccountLockedTime: 000001010000Z`, which refuses the bind) and/or a move to a disabled
 * container, remembering where the account came from in the state attribute.
 */
import { Attribute, Change } from 'ldapts';
import { formatDn, parseDn } from '../../domain/dn.js';
import {
  containerOf,
  containerParent,
  inDisabledContainer,
  readState,
  stateChange,
  withContainer,
} from './containers.js';
import type { LdapCtx } from './context.js';
import type { Flavour } from './flavour.js';
import type { Entry } from './pool.js';

const locked = (ctx: LdapCtx, entry: Entry): boolean => {
  const { lock_attribute, lock_value } = ctx.settings.disable;
  return (
    lock_attribute !== null &&
    (entry.attrs.get(lock_attribute.toLowerCase()) ?? []).includes(lock_value)
  );
};

export const openldapFlavour: Flavour = {
  isEnabled: (ctx, entry) => !locked(ctx, entry) && !inDisabledContainer(ctx, entry),

  async create(ctx, dn, attrs, enabled) {
    const { lock_attribute, lock_value, move_to } = ctx.settings.disable;
    const all =
      !enabled && lock_attribute
        ? [...attrs, new Attribute({ type: lock_attribute, values: [lock_value] })]
        : attrs;
    await ctx.pool.add(dn, all);
    if (!enabled && move_to !== undefined) {
      const entry: Entry = { dn, attrs: new Map() };
      await openldapFlavour.setEnabled(ctx, entry, false);
    }
  },

  async setEnabled(ctx, entry, enabled) {
    const { lock_attribute, lock_value, move_to } = ctx.settings.disable;
    let wrote = false;
    if (lock_attribute !== null && locked(ctx, entry) === enabled) {
      await ctx.pool.modify(entry.dn, [
        enabled
          ? new Change({
              operation: 'delete',
              modification: new Attribute({ type: lock_attribute }),
            })
          : new Change({
              operation: 'replace',
              modification: new Attribute({ type: lock_attribute, values: [lock_value] }),
            }),
      ]);
      wrote = true;
    }
    if (move_to === undefined) return wrote;
    const rdn = formatDn(parseDn(entry.dn).slice(0, 1));
    if (!enabled && !inDisabledContainer(ctx, entry)) {
      const from = containerOf(ctx, entry) ?? '';
      const note = stateChange(ctx, entry, 'container', from);
      if (note) await ctx.pool.modify(entry.dn, [note]);
      const target = containerParent(ctx, move_to);
      await withContainer(ctx, target, () =>
        ctx.pool.modifyDN(entry.dn, `${rdn},${formatDn(target)}`),
      );
      return true;
    }
    if (enabled && inDisabledContainer(ctx, entry)) {
      const back = containerParent(ctx, readState(ctx, entry, 'container') || null);
      const newDn = `${rdn},${formatDn(back)}`;
      await withContainer(ctx, back, () => ctx.pool.modifyDN(entry.dn, newDn));
      const note = stateChange(ctx, entry, 'container', undefined);
      if (note) await ctx.pool.modify(newDn, [note]);
      return true;
    }
    return wrote;
  },
};
