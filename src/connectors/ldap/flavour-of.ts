/** Picks the flavour of a connector from its profile (`ad` or `openldap`). */
import { adFlavour } from './ad.js';
import type { LdapCtx } from './context.js';
import type { Flavour } from './flavour.js';
import { openldapFlavour } from './openldap.js';

export const flavourOf = (ctx: LdapCtx): Flavour =>
  ctx.profile.flavour === 'ad' ? adFlavour : openldapFlavour;
