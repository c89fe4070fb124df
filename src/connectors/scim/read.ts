/**
 * read(): every group (with its members) and then every user, page by page, as AccountRecords
 * with the entitlement ids of the groups each user is in. Groups first, so users can stream.
 * @see https://www.rfc-editor.org/rfc/rfc7644#section-3.4.2
 */
import type { AccountRecord } from '../contract.js';
import type { ScimCtx } from './context.js';
import { toAccount } from './mapping.js';
import { type PageParams, pages } from './pages.js';
import { field } from './paths.js';

/** Which entitlement a group stands for: pinned id, mapped displayName, or (read_groups: all) its own name. */
function entitlementIndex(ctx: ScimCtx) {
  const byId = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const [ent, ref] of Object.entries(ctx.settings.groups)) {
    if (typeof ref === 'string') byName.set(ref.toLowerCase(), ent);
    else byId.set(ref.id, ent);
  }
  return (id: string, name: string | undefined): string | undefined =>
    byId.get(id) ??
    (name === undefined
      ? undefined
      : (byName.get(name.toLowerCase()) ??
        (ctx.settings.read_groups === 'all' ? name : undefined)));
}

export async function* readAccounts(ctx: ScimCtx): AsyncGenerator<AccountRecord> {
  const mode = await pagingMode(ctx);
  const list = (path: string) => (p: PageParams) =>
    ctx.http.send({ method: 'GET', path, query: { ...p } }).then((r) => r.body);
  const entitlementOf = entitlementIndex(ctx);
  const held = new Map<string, string[]>();
  for await (const page of pages(list('/Groups'), mode, ctx.settings.page_size)) {
    for (const g of page) {
      const id = field(g, 'id');
      const name = field(g, 'displayName');
      if (typeof id !== 'string') continue;
      const ent = entitlementOf(id, typeof name === 'string' ? name : undefined);
      if (ent === undefined) continue;
      const members = field(g, 'members');
      for (const m of Array.isArray(members) ? members : []) {
        const user = field(m, 'value');
        // Nested groups are not users' memberships: only plain or User members count.
        const type = field(m, 'type');
        if (typeof user !== 'string' || (typeof type === 'string' && type !== 'User')) continue;
        held.set(user, [...(held.get(user) ?? []), ent]);
      }
    }
  }
  for await (const page of pages(list('/Users'), mode, ctx.settings.page_size)) {
    for (const u of page) {
      const id = field(u, 'id');
      const record = toAccount(u, ctx.mapping, typeof id === 'string' ? (held.get(id) ?? []) : []);
      if (record.account_id) yield record;
    }
  }
}

/** `auto`: cursors when ServiceProviderConfig says `pagination.cursor: true` (RFC 9865). */
async function pagingMode(ctx: ScimCtx): Promise<'index' | 'cursor'> {
  const p = ctx.settings.pagination;
  if (p !== 'auto') return p;
  try {
    const spc = (await ctx.http.send({ method: 'GET', path: '/ServiceProviderConfig' })).body;
    return field(field(spc, 'pagination'), 'cursor') === true ? 'cursor' : 'index';
  } catch {
    return 'index';
  }
}
