/**
 * ad flavour: Active Directory `user` objects. Create in three steps (add disabled, set a random
 * unicodePwd over TLS, then enable with pwdLastSet=0 so the user sets their own); enable and
 * disable flip the ACCOUNTDISABLE bit of userAccountControl and keep every other bit.
 * @see https://learn.microsoft.com/troubleshoot/windows-server/active-directory/useraccountcontrol-manipulate-account-properties
 */
import { Attribute, Change } from 'ldapts';
import { describeError, isCode, isTransient, LdapOpError, RC } from './errors.js';
import type { Flavour } from './flavour.js';
import { randomPassword, unicodePwd } from './password.js';
import { first } from './pool.js';

const ACCOUNTDISABLE = 0x2;
const NORMAL_ACCOUNT = 0x200;

const replace = (type: string, values: string[] | Buffer[]) =>
  new Change({ operation: 'replace', modification: new Attribute({ type, values }) });

export const adFlavour: Flavour = {
  isEnabled: (_ctx, entry) =>
    (Number(first(entry, 'userAccountControl') ?? ACCOUNTDISABLE) & ACCOUNTDISABLE) === 0,

  async create(ctx, dn, attrs, enabled) {
    if (!ctx.pool.secure)
      throw new LdapOpError(
        'ad: creating an account sets its password, which AD accepts only over ldaps:// or StartTLS',
      );
    // 1. Added disabled: AD refuses an enabled account without a password that meets policy.
    await ctx.pool.add(dn, [
      ...attrs,
      new Attribute({
        type: 'userAccountControl',
        values: [String(NORMAL_ACCOUNT | ACCOUNTDISABLE)],
      }),
    ]);
    try {
      // 2. A random initial password nobody is told; 3. enable, and make the user choose one.
      await ctx.pool.modify(dn, [
        replace('unicodePwd', [unicodePwd(randomPassword(ctx.settings.initial_password_length))]),
      ]);
      await ctx.pool.modify(dn, [
        ...(enabled ? [replace('userAccountControl', [String(NORMAL_ACCOUNT)])] : []),
        replace('pwdLastSet', ['0']),
      ]);
    } catch (e) {
      // A half-made account (no password) would block the retry: remove it, report the cause.
      if (!isTransient(e)) await ctx.pool.del(dn).catch(() => {});
      throw isTransient(e)
        ? e
        : new LdapOpError(`could not complete the new account: ${describeError(e)}`);
    }
  },

  async setEnabled(ctx, entry, enabled) {
    const uac = Number(first(entry, 'userAccountControl') ?? NORMAL_ACCOUNT);
    const next = enabled ? uac & ~ACCOUNTDISABLE : uac | ACCOUNTDISABLE;
    if (next === uac) return false;
    try {
      await ctx.pool.modify(entry.dn, [replace('userAccountControl', [String(next)])]);
    } catch (e) {
      // An account left without a password (its creation was cut short) cannot be enabled:
      // give it a random one the user must change, then enable it.
      if (!enabled || !(isCode(e, RC.unwillingToPerform) || isCode(e, RC.constraintViolation)))
        throw e;
      await ctx.pool.modify(entry.dn, [
        replace('unicodePwd', [unicodePwd(randomPassword(ctx.settings.initial_password_length))]),
        replace('pwdLastSet', ['0']),
      ]);
      await ctx.pool.modify(entry.dn, [replace('userAccountControl', [String(next)])]);
    }
    return true;
  },
};
