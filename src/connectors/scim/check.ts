/**
 * check() (`tenure apps check <app>`): the service answers, what ServiceProviderConfig says it
 * supports, that the credentials are accepted, that Users and Groups can be listed, that the
 * User resource type has the extensions the mapping writes, and whether `or` lookups work.
 */
import type { CheckResult } from '../contract.js';
import type { ScimCtx } from './context.js';
import { describeError } from './errors.js';
import { field } from './paths.js';

type Check = CheckResult['checks'][number];

const supported = (spc: unknown, name: string) => field(field(spc, name), 'supported') === true;

export async function checkService(ctx: ScimCtx, authLabel: string): Promise<CheckResult> {
  const checks: Check[] = [];
  const base = ctx.settings.base_url;
  try {
    const spc = (await ctx.http.send({ method: 'GET', path: '/ServiceProviderConfig' })).body;
    const flags = ['patch', 'filter', 'etag', 'bulk', 'sort']
      .map((f) => `${f} ${supported(spc, f) ? 'yes' : 'no'}`)
      .join(', ');
    const cursor = field(field(spc, 'pagination'), 'cursor') === true;
    const patch = supported(spc, 'patch');
    checks.push({
      name: 'service provider config',
      ok: patch,
      detail: `${base}: ${flags}; pagination ${cursor ? 'cursor' : 'index'}${patch ? '' : ' — the connector needs PATCH (memberships)'}`,
    });
  } catch (e) {
    checks.push({
      name: 'service provider config',
      ok: false,
      detail: `${base}: ${describeError(e)}`,
    });
  }
  for (const [name, path] of [
    ['credentials', '/Users'],
    ['groups', '/Groups'],
  ] as const) {
    try {
      const res = await ctx.http.send({ method: 'GET', path, query: { startIndex: 1, count: 1 } });
      const total = field(res.body, 'totalResults');
      const n = typeof total === 'number' ? `${total} ${path.slice(1).toLowerCase()}` : 'listed';
      checks.push({
        name,
        ok: true,
        detail: name === 'credentials' ? `${authLabel} accepted; ${n}` : `GET ${path}: ${n}`,
      });
    } catch (e) {
      checks.push({ name, ok: false, detail: describeError(e) });
    }
  }
  if (checks.every((c) => c.ok)) {
    checks.push(await extensions(ctx));
    checks.push(await orFilter(ctx));
  }
  return { ok: checks.every((c) => c.ok), checks };
}

/** Extension schemas the mapping writes (e.g. enterprise employeeNumber) must exist on User. */
async function extensions(ctx: ScimCtx): Promise<Check> {
  const m = ctx.mapping;
  const wanted = new Set(
    [...m.attributes.values(), m.employeeId, m.container].flatMap((p) =>
      p?.schema ? [p.schema] : [],
    ),
  );
  const name = 'user schema extensions';
  if (wanted.size === 0) return { name, ok: true, detail: 'none written' };
  try {
    const body = (await ctx.http.send({ method: 'GET', path: '/ResourceTypes' })).body;
    const list = field(body, 'Resources') ?? body;
    const user = (Array.isArray(list) ? list : []).find(
      (r) => field(r, 'id') === 'User' || field(r, 'endpoint') === '/Users',
    );
    const offered = new Set(
      ((field(user, 'schemaExtensions') ?? []) as unknown[]).map((e) => String(field(e, 'schema'))),
    );
    const missing = [...wanted].filter((s) => !offered.has(s));
    return missing.length === 0
      ? { name, ok: true, detail: `offered: ${[...wanted].join(', ')}` }
      : {
          name,
          ok: false,
          detail: `the User resource type lacks ${missing.join(', ')}: map those attributes elsewhere (or employee_id: null)`,
        };
  } catch (e) {
    return { name, ok: true, detail: `cannot verify (GET /ResourceTypes: ${describeError(e)})` };
  }
}

/** Whether `userName eq "a" or userName eq "b"` is accepted: lookup_batch can then be raised. */
async function orFilter(ctx: ScimCtx): Promise<Check> {
  const name = '`or` filters';
  const filter = 'userName eq "tenure-check-1" or userName eq "tenure-check-2"';
  try {
    await ctx.http.send({ method: 'GET', path: '/Users', query: { filter } });
    const hint =
      ctx.settings.lookup_batch > 1
        ? 'lookup_batch in use'
        : 'lookup_batch: 50 would speed up creates';
    return { name, ok: true, detail: `accepted: ${hint}` };
  } catch (e) {
    const refused = ctx.settings.lookup_batch > 1;
    return {
      name,
      ok: !refused,
      detail: `refused (${describeError(e)})${refused ? ': set lookup_batch: 1' : ': keep lookup_batch: 1'}`,
    };
  }
}
