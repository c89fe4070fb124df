/**
 * check() (`tenure apps check <app>`): the service answers, what ServiceProviderConfig says it
 * supports, that the credentials are accepted, and that Users and Groups can be listed.
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
    checks.push({ name: 'service provider config', ok: false, detail: `${base}: ${describeError(e)}` });
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
  return { ok: checks.every((c) => c.ok), checks };
}
