/**
 * Manager links a target can hold. A desired `manager` attribute names the manager's employee id;
 * a connector links it to the manager's account in the same application. When the manager has
 * no account there — not in HR, or no policy gives them one — the link can never be written:
 * wanting it anyway made every plan propose the same `account.update` and audit it as a change.
 */
import type { DesiredAccount } from './types.js';

/** Whether `managerId` has (or is about to get) an account in application `appId`. */
export type HasAccount = (managerId: string, appId: string) => boolean;

/** The employee ids named as managers, each once. */
export function managerIdsOf(desired: Iterable<readonly DesiredAccount[]>): string[] {
  const ids = new Set<string>();
  for (const list of desired)
    for (const d of list) {
      const m = d.attributes.manager;
      if (m) ids.add(m);
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
): Map<string, DesiredAccount[]> {
  const out = new Map<string, DesiredAccount[]>();
  for (const [id, list] of desired) {
    const unlinkable = (d: DesiredAccount) => {
      const m = d.attributes.manager;
      return m !== undefined && m !== '' && !hasAccount(m, d.app_id);
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
