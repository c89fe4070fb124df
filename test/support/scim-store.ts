/**
 * The SCIM test server's storage: SCIMMY resource handlers (ingress/egress/degress) over one
 * tenant's in-memory maps, passed in as SCIMMY's context. Declared once per process.
 */
import { randomUUID } from 'node:crypto';
import SCIMMY from 'scimmy';

export type Rec = Record<string, unknown> & {
  id: string;
  meta: { created: Date; version?: string };
};

export type LoggedRequest = {
  method: string;
  path: string;
  query: Record<string, unknown>;
  ifMatch: string | undefined;
  status?: number;
};

/** One tenant's data and knobs. */
export type State = {
  opts: { etag?: boolean; oauth?: { clientId: string; clientSecret: string; expiresIn?: number } };
  token: string;
  users: Map<string, Rec>;
  groups: Map<string, Rec>;
  /** lower-cased userName / displayName -> id: uniqueness, and a fast path for `eq` filters. */
  userIdx: Map<string, string>;
  groupIdx: Map<string, string>;
  version: number;
  throttle: { left: number; retryAfter: string | null; status: number };
  tokens: Map<string, number>;
  issued: number;
  log: LoggedRequest[];
  hide: Set<string>;
  race: Set<string>;
};

// biome-ignore lint/suspicious/noExplicitAny: SCIMMY's runtime Types.Error is untyped in its d.ts
const ScimmyError = (SCIMMY.Types as any).Error as new (
  status: number,
  scimType: string | null,
  detail: string,
) => Error;

let declared = false;

/** SCIMMY handlers over the tenant passed as context; declared once per process. */
export function declareResources(): void {
  if (declared) return;
  declared = true;
  SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false);
  memory(SCIMMY.Resources.User, 'users', 'userIdx', 'userName');
  memory(SCIMMY.Resources.Group, 'groups', 'groupIdx', 'displayName');
}

function memory(
  // biome-ignore lint/suspicious/noExplicitAny: SCIMMY's generic resource class types
  Resource: any,
  which: 'users' | 'groups',
  idxName: 'userIdx' | 'groupIdx',
  attr: string,
): void {
  const notFound = (id: string) => new ScimmyError(404, null, `Resource ${id} not found`);
  SCIMMY.Resources.declare(Resource)
    .ingress((res: { id?: string }, data: Record<string, unknown>, t: State) => {
      const store = t[which];
      const idx = t[idxName];
      if (res.id && !store.has(res.id)) throw notFound(res.id);
      const name = String(data[attr] ?? '');
      const holder = idx.get(name.toLowerCase());
      if (holder && holder !== res.id)
        throw new ScimmyError(409, 'uniqueness', `${attr} already in use`);
      const id = res.id ?? randomUUID();
      const prev = store.get(id);
      if (prev) idx.delete(String(prev[attr]).toLowerCase());
      const now = new Date();
      const rec: Rec = {
        ...data,
        id,
        meta: {
          created: prev?.meta.created ?? now,
          lastModified: now,
          ...(t.opts.etag ? { version: `W/"${++t.version}"` } : {}),
        },
      } as Rec;
      store.set(id, rec);
      idx.set(name.toLowerCase(), id);
      return rec;
    })
    .egress(
      (
        res: {
          id?: string;
          filter?: Record<string, unknown>[] & { match(v: Rec[]): Rec[] };
        },
        t: State,
      ) => {
        const store = t[which];
        if (res.id) {
          const rec = store.get(res.id);
          if (!rec) throw notFound(res.id);
          return rec;
        }
        const f = res.filter;
        // `attr eq "v"` (or several of them joined by `or`): let SCIMMY judge just the candidates
        // the index names instead of scanning every resource. The filter semantics stay SCIMMY's.
        const values = f?.map((e) => {
          const cond = Object.keys(e).length === 1 ? e[attr] : undefined;
          return Array.isArray(cond) && cond[0] === 'eq' && typeof cond[1] === 'string'
            ? cond[1].toLowerCase()
            : undefined;
        });
        if (f && values?.every((v) => v !== undefined)) {
          const found: Rec[] = [];
          for (const key of new Set(values as string[])) {
            const id = t[idxName].get(key);
            const rec = id ? store.get(id) : undefined;
            if (!rec || t.hide.delete(key)) continue;
            if (t.race.delete(key)) {
              // Answer with the version read, then change it, as a concurrent writer would.
              found.push({ ...rec, meta: { ...rec.meta } });
              rec.meta.version = `W/"${++t.version}"`;
            } else found.push(rec);
          }
          return f.match(found);
        }
        const all = [...store.values()];
        return f ? f.match(all) : all;
      },
    )
    .degress((res: { id: string }, t: State) => {
      const rec = t[which].get(res.id);
      if (!rec) throw notFound(res.id);
      t[which].delete(res.id);
      t[idxName].delete(String(rec[attr]).toLowerCase());
    });
}
