/**
 * account.delete, at once or after `delete_retention_days`: the account is disabled and a
 * `tenure:delete-after=<timestamp>` note is kept; the first apply of a later run deletes it.
 */
import type { Done } from './accounts.js';
import { reread } from './accounts.js';
import { readState, stateChange } from './containers.js';
import type { LdapCtx } from './context.js';
import { escapeFilterValue } from './escape.js';
import { flavourOf } from './flavour-of.js';
import { accountAttributes } from './lookup.js';
import type { Entry } from './pool.js';

/** Deletes now, or (with delete_retention_days) disables and notes when the sweep may delete it. */
export async function deleteAccount(ctx: LdapCtx, entry: Entry): Promise<Done> {
  const days = ctx.settings.delete_retention_days;
  if (days === 0) {
    await ctx.pool.del(entry.dn);
    return {};
  }
  const flavour = flavourOf(ctx);
  let current = entry;
  if (flavour.isEnabled(ctx, current)) {
    await flavour.setEnabled(ctx, current, false);
    current = await reread(ctx, current);
  }
  const due = readState(ctx, current, 'delete-after');
  if (due === undefined) {
    const at = new Date(ctx.now().getTime() + days * 86_400_000).toISOString();
    const note = stateChange(ctx, current, 'delete-after', at);
    if (note) await ctx.pool.modify(current.dn, [note]);
    return { message: `disabled; deleted after ${at} (delete_retention_days: ${days})` };
  }
  if (Date.parse(due) <= ctx.now().getTime()) {
    await ctx.pool.del(current.dn);
    return {};
  }
  return { message: `disabled; deleted after ${due}` };
}

/** Deletes accounts whose retention has run out (called at most once per connector instance). */
export async function sweepRetained(ctx: LdapCtx): Promise<number> {
  const prof = ctx.profile;
  const hits = await ctx.pool.search(prof.usersBaseDn, {
    filter: `(&${prof.userFilter}(${prof.stateAttr}=${escapeFilterValue('tenure:delete-after=')}*))`,
    attributes: accountAttributes(ctx),
  });
  let deleted = 0;
  for (const e of hits) {
    const due = readState(ctx, e, 'delete-after');
    if (due && Date.parse(due) <= ctx.now().getTime()) {
      await ctx.pool.del(e.dn);
      deleted++;
    }
  }
  return deleted;
}
