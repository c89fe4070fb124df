/** Birthright policies and their conditions (equals/in/regex/and/or/not), compiled once; templates re-exported. */
import { ATTRIBUTE_NAMES, type Attributes } from './attributes.js';
import { TenureError } from './errors.js';

export type { AttributeName, Attributes } from './attributes.js';
export { ATTRIBUTE_NAMES, displayName, identityAttributes } from './attributes.js';
export { compileTemplate, renderTemplate, templateFields } from './template.js';

/** A birthright condition over identity attributes. */
export type Condition =
  | { equals: Record<string, string> }
  | { in: Record<string, string[]> }
  | { regex: Record<string, string> }
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition };

/** A birthright policy: when its condition holds, these accounts (and entitlements) are desired. */
export type Policy = {
  id: string;
  description?: string;
  when?: Condition;
  accounts: {
    application: string;
    attributes: Record<string, string>;
    container?: string;
    entitlements: string[];
  }[];
};

export type Predicate = (attrs: Readonly<Attributes>) => boolean;

const always: Predicate = () => true;
const compiled = new WeakMap<Condition, Predicate>();
const regexes = new Map<string, RegExp>();

function regex(source: string): RegExp {
  let re = regexes.get(source);
  if (re === undefined) {
    // No `g`/`y` flag, so test() keeps no lastIndex state between identities. Not anchored.
    re = new RegExp(source, 'u');
    regexes.set(source, re);
  }
  return re;
}

/** AND of one test per key; a missing (undefined/null) attribute never satisfies a test. */
function perKey<V>(rec: Record<string, V>, test: (value: string, v: V) => boolean): Predicate {
  const entries = Object.entries(rec);
  return (a) => {
    for (const [k, v] of entries) {
      const value = a[k];
      if (value === undefined || value === null || !test(value, v)) return false;
    }
    return true;
  };
}

function build(cond: Condition): Predicate {
  if ('equals' in cond) return perKey(cond.equals, (value, v) => value === v);
  if ('in' in cond) {
    const sets = Object.fromEntries(Object.entries(cond.in).map(([k, vs]) => [k, new Set(vs)]));
    return perKey(sets, (value, set) => set.has(value));
  }
  if ('regex' in cond) {
    const res = Object.fromEntries(Object.entries(cond.regex).map(([k, s]) => [k, regex(s)]));
    return perKey(res, (value, re) => re.test(value));
  }
  if ('and' in cond) {
    const ps = cond.and.map(compileCondition);
    return (a) => ps.every((p) => p(a));
  }
  if ('or' in cond) {
    const ps = cond.or.map(compileCondition);
    return (a) => ps.some((p) => p(a));
  }
  const p = compileCondition(cond.not);
  return (a) => !p(a);
}

/** Compiles a condition to a predicate (cached per condition object); undefined matches everyone. */
export function compileCondition(cond: Condition | undefined): Predicate {
  if (cond === undefined) return always;
  let p = compiled.get(cond);
  if (p === undefined) {
    p = build(cond);
    compiled.set(cond, p);
  }
  return p;
}

/** Whether `attrs` satisfy `cond`. `status` in attrs must be the effective status. */
export function matches(cond: Condition | undefined, attrs: Readonly<Attributes>): boolean {
  return compileCondition(cond)(attrs);
}

/** Every attribute name a condition reads. */
export function conditionFields(cond: Condition | undefined): string[] {
  if (cond === undefined) return [];
  if ('equals' in cond) return Object.keys(cond.equals);
  if ('in' in cond) return Object.keys(cond.in);
  if ('regex' in cond) return Object.keys(cond.regex);
  if ('and' in cond) return [...new Set(cond.and.flatMap(conditionFields))];
  if ('or' in cond) return [...new Set(cond.or.flatMap(conditionFields))];
  return conditionFields(cond.not);
}

/** Throws `policy.unknown_field` for a condition reading an attribute that doesn't exist (a typo matches nobody). */
export function checkCondition(cond: Condition | undefined, where: string): void {
  const known: readonly string[] = ATTRIBUTE_NAMES;
  for (const f of conditionFields(cond)) {
    if (!known.includes(f)) {
      throw new TenureError(
        'policy.unknown_field',
        `${where}: unknown attribute "${f}" (known: ${ATTRIBUTE_NAMES.join(', ')})`,
        { where, field: f },
      );
    }
  }
}
