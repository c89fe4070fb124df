/**
 * HiBob field paths against a people-search answer. Responses nest by category (`e.work.title`,
 * root fields at the top: `e.id`), and some return JSON-pointer keys (`{"/work/title": {"value":
 * …}}`): both are read. Pure.
 */
import { isObject } from '../common/context.js';

/** Sub-keys that pick from an object-valued field: `work.reportsTo.id`. */
const PICKS = new Set(['id', 'email', 'displayName']);

/** The field id to ask HiBob for: the path without a trailing pick. */
export function requestedField(path: string): string {
  const segs = path.split('.');
  return segs.length > 2 && PICKS.has(segs[segs.length - 1]!) ? segs.slice(0, -1).join('.') : path;
}

const unwrap = (v: unknown): unknown =>
  isObject(v) && Object.hasOwn(v, 'value') && Object.keys(v).length <= 2 ? v.value : v;

function walk(v: unknown, segs: readonly string[]): unknown {
  let cur = v;
  for (const s of segs) {
    cur = unwrap(cur);
    if (!isObject(cur) || !Object.hasOwn(cur, s)) return undefined;
    cur = cur[s];
  }
  return unwrap(cur);
}

/** The value at `path` (undefined when absent): nested, root-level, or under a JSON-pointer key. */
export function valueAt(e: Record<string, unknown>, path: string): unknown {
  const segs = path.split('.');
  if (segs[0] === 'root') {
    const top = walk(e, segs.slice(1));
    if (top !== undefined) return top;
  }
  const nested = walk(e, segs);
  if (nested !== undefined) return nested;
  for (let k = segs.length; k >= 1; k--) {
    const key = `/${segs.slice(0, k).join('/')}`;
    if (Object.hasOwn(e, key)) return walk(unwrap(e[key]), segs.slice(k));
  }
  return undefined;
}

/** Whether the answer carries the path at all (HiBob leaves out fields the service user may not see). */
export function hasPath(e: Record<string, unknown>, path: string): boolean {
  const field = requestedField(path);
  const segs = field.split('.');
  const present = (v: unknown, rest: string[]): boolean => {
    if (rest.length === 0) return true;
    return isObject(v) && Object.hasOwn(v, rest[0]!) && present(v[rest[0]!], rest.slice(1));
  };
  if (segs[0] === 'root' && present(e, segs.slice(1))) return true;
  if (present(e, segs)) return true;
  return Object.hasOwn(e, `/${segs.join('/')}`);
}
