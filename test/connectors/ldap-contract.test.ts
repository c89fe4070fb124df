/** The shared connector contract against a real slapd (openldap flavour) and Samba AD (ad flavour). */
import { afterAll, describe, it } from 'vitest';
import {
  type DirectoryEnv,
  makeLdapConnector,
  makeSubtree,
  type Subtree,
  sambaEnv,
  settingsFor,
  slapdEnv,
} from '../support/ldap.js';
import { runConnectorContract } from './contract-suite.js';

function contractOn(d: DirectoryEnv | undefined, label: string): void {
  if (!d) {
    describe.skip(`connector contract: ${label} (no ${label} configured)`, () =>
      it('skipped', () => {}));
    return;
  }
  const made: Subtree[] = [];
  afterAll(async () => {
    for (const t of made) await t.cleanup();
  });
  runConnectorContract(label, {
    readsBack: true,
    async make() {
      // AD logins are unique in the whole domain: the previous case's accounts must go first.
      if (d.kind === 'samba') for (const t of made.splice(0)) await t.cleanup();
      const t = await makeSubtree(d, 'contract');
      made.push(t);
      return makeLdapConnector(settingsFor(d, t));
    },
  });
}

contractOn(slapdEnv(), 'ldap (openldap on slapd)');
contractOn(sambaEnv(), 'ldap (ad on Samba)');
