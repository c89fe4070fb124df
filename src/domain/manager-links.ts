/**
 * Manager links a target can hold. A desired `manager` attribute of an ldap application names the
 * manager's employee id, which the connector links to the manager's account (their DN) there. When the manager has
 * no account there — not in HR, or no policy gives them one — the link can never be written:
 * wanting it anyway made every plan propose the same `account.update` and audit it as a change.
 */
import type { Application } from './application.js';
import type { DesiredAccount } from './types.js';

/** Whether `managerId` has (or is about to get) an account in application `appId`. */
export type HasAccount = (managerId: string, appId: string) => boolean;
/** Whether application `appId`'s `manager` attribute is a link to the manager's account. */
export type LinksManagers = (appId: string) => boolean;

/** Connectors whose `manager` is a link (elsewhere it is a value like any other, e.g. a CSV column). */
const LINKING = new Set(['ldap']);
export const linksManagers = (app: Pick<Application, 'connector'> | undefined): boolean =>
  app !== undefined && LINKING.has(app.connector);

/** The employee ids named as managers by links, each once. */
export function managerIdsOf(
  desired: Iterable<readonly DesiredAccount[]>,
  links: LinksManagers,
): string[] {
  const ids = new Set<string>();
  for (const list of desired)
    for (const d of list) {
      const m = d.attributes.manager;
      if (m && links(d.app_id)) ids.add(m);
    }
  return [...ids];
}

/**
 * `desired` with every manager link to someone without an account in that application made
 * empty (no link: a stale one is removed, none is proposed). Accounts are copied, never mutated;
 * lists without such a link are returned as they are.
 */
export function withLinkableManagers(
  desired: ReadonlyMap<string, readonly DesiredAccount[]>,
  hasAccount: HasAccount,
  links: LinksManagers,
): Map<string, DesiredAccount[]> {
  const out = new Map<string, DesiredAccount[]>();
  for (const [id, list] of desired) {
    const unlinkable = (d: DesiredAccount) => {
      const m = d.attributes.manager;
      return m !== undefined && m !== '' && links(d.app_id) && !hasAccount(m, d.app_id);
    };
    out.set(
      id,
      list.some(unlinkable)
        ? list.map((d) =>
            unlinkable(d) ? { ...d, attributes: { ...d.attributes, manager: '' } } : d,
          )
        : (list as DesiredAccount[]),
    );
  }
  return out;
}
