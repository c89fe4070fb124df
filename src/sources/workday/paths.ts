/** Field paths in a RaaS Report_Entry: `A.B`, `A[1].B`; an array without an index is its first item. Pure. */
import { isObject } from '../common/context.js';

const SEGMENT = /^([^[\]]+)(?:\[(\d+)\])?$/;

export function reportValue(entry: Record<string, unknown>, path: string): unknown {
  let cur: unknown = entry;
  for (const seg of path.split('.')) {
    const m = SEGMENT.exec(seg);
    if (!m) return undefined;
    if (Array.isArray(cur)) cur = cur[0];
    if (!isObject(cur) || !Object.hasOwn(cur, m[1]!)) return undefined;
    cur = cur[m[1]!];
    if (m[2] !== undefined) cur = Array.isArray(cur) ? cur[Number(m[2])] : undefined;
  }
  if (Array.isArray(cur)) cur = cur[0];
  // A reference rendered as an object: its Descriptor is what a person reads.
  if (isObject(cur) && typeof cur.Descriptor === 'string') return cur.Descriptor;
  return cur;
}
