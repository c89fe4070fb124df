/** Correlation: which identity an account read from a target belongs to, by the application's ordered rules. */
import type { Application, CorrelationRule } from './application.js';
import { identityAttributes } from './attributes.js';
import { compileTemplate } from './template.js';
import type { AccountRecord, Identity } from './types.js';

export type Correlation = {
  identity_id: string | null;
  /** Which rule linked it (`employee_id`, `mail=email`, `account_id`, `stored_link`), or null. */
  via: string | null;
  /** Rules that matched several identities, before one matched exactly one (or none did). */
  ambiguous: { via: string; candidates: string[] }[];
};

/** Without `correlation:` in tenure.yaml: the target's employee id hint, then the account id template. */
export const DEFAULT_CORRELATION: CorrelationRule[] = [
  { attribute: 'employee_id', ignore_case: true },
  { account_id: true, ignore_case: true },
];

type CompiledRule = {
  via: string;
  accountValue: (a: AccountRecord) => string | undefined;
  index: Map<string, string[]>;
  norm: (v: string) => string;
};

const attributeOf = (a: AccountRecord, name: string): string | undefined => {
  if (name === 'account_id') return a.account_id;
  if (name === 'employee_id' && a.employee_id) return a.employee_id;
  const exact = a.attributes[name];
  if (exact !== undefined) return exact;
  // Directory attribute names are case-insensitive (mail, Mail, MAIL).
  const lower = name.toLowerCase();
  for (const k in a.attributes) if (k.toLowerCase() === lower) return a.attributes[k];
  return undefined;
};

function compileRule(
  rule: CorrelationRule,
  app: Application,
  identities: readonly Identity[],
  attrs: ReadonlyMap<string, Record<string, string | null>>,
): CompiledRule {
  const norm = rule.ignore_case ? (v: string) => v.trim().toLowerCase() : (v: string) => v.trim();
  const index = new Map<string, string[]>();
  const put = (value: string | null | undefined, id: string) => {
    if (value === null || value === undefined) return;
    const key = norm(value);
    if (key === '') return; // an empty value identifies nobody
    const list = index.get(key);
    if (list === undefined) index.set(key, [id]);
    else if (!list.includes(id)) list.push(id);
  };
  if (rule.attribute !== undefined) {
    const field = rule.identity ?? rule.attribute;
    for (const i of identities) put(attrs.get(i.id)?.[field], i.id);
    const name = rule.attribute;
    return {
      via: field === name ? name : `${name}=${field}`,
      accountValue: (a) => attributeOf(a, name),
      index,
      norm,
    };
  }
  const template =
    rule.account_id === true || rule.account_id === undefined ? app.account_id : rule.account_id;
  const tpl = compileTemplate(template);
  for (const i of identities) put(tpl.render(attrs.get(i.id) ?? {}), i.id);
  return {
    via: rule.account_id === true ? 'account_id' : `account_id=${template}`,
    accountValue: (a) => a.account_id,
    index,
    norm,
  };
}

/**
 * Builds the correlator of one application over every identity (terminated ones included, so
 * their accounts are recognised as theirs). Per account: the first rule whose value matches
 * exactly one identity wins; rules matching several are remembered as ambiguous and the next
 * rule is tried. If none links it, the link Tenure already had (it provisioned the account, or
 * an earlier reconciliation linked it) is kept, when that identity still exists.
 */
export function compileCorrelation(
  app: Application,
  identities: readonly Identity[],
  previousLinks: ReadonlyMap<string, string | null> = new Map(),
): (account: AccountRecord) => Correlation {
  const attrs = new Map(identities.map((i) => [i.id, identityAttributes(i)]));
  const rules = (app.correlation ?? DEFAULT_CORRELATION).map((r) =>
    compileRule(r, app, identities, attrs),
  );
  return (account) => {
    const ambiguous: Correlation['ambiguous'] = [];
    for (const r of rules) {
      const value = r.accountValue(account);
      if (value === undefined) continue;
      const ids = r.index.get(r.norm(value));
      if (ids === undefined) continue;
      if (ids.length === 1) return { identity_id: ids[0]!, via: r.via, ambiguous };
      ambiguous.push({ via: r.via, candidates: [...ids].sort() });
    }
    const stored = previousLinks.get(account.account_id);
    if (stored && attrs.has(stored)) return { identity_id: stored, via: 'stored_link', ambiguous };
    return { identity_id: null, via: null, ambiguous };
  };
}
