/**
 * The HiBob source: service-user auth (a 401/403 is never retried: repeated ones trip HiBob's
 * firewall); full read = people search with `showInactive`; no changed-since API (full reads on
 * the schedule, webhooks in between); webhooks v2 verified with Bob-Signature, then re-read.
 * @see https://apidocs.hibob.com/docs/people-read-api-contract
 */
import { TenureError } from '../../domain/errors.js';
import { fetchOf, isObject, todayOf } from '../common/context.js';
import { basicAuth, createVendorHttp } from '../common/http.js';
import { buildReadResult, sha256Of } from '../common/records.js';
import type { SourceFactory } from '../contract.js';
import { searchPeople } from './api.js';
import { HIBOB_FIELDS, type HibobConfig, type HibobInput, hibobConfigSchema } from './config.js';
import { mapHibobPerson } from './mapping.js';
import { requestedField, valueAt } from './paths.js';
import { verifyHibobWebhook } from './webhook.js';

/** root.id values per search: one filter, many values. */
const IDS_PER_SEARCH = 100;

export const hibobSource: SourceFactory<HibobConfig> = {
  type: 'hibob',
  configGuard: hibobConfigSchema,
  create(ctx) {
    const c = ctx.config;
    const fields: Record<HibobInput, string | undefined> = { ...HIBOB_FIELDS };
    for (const [k, v] of Object.entries(c.fields)) if (v !== undefined) fields[k as HibobInput] = v;
    const base = c.base_url ?? 'https://api.hibob.com/v1';
    const user = c.service_user;
    const http = createVendorHttp({
      vendor: 'HiBob',
      baseUrl: base,
      authorization: () => basicAuth(user.id, ctx.secret(user.token)),
      credential: `the service user "${user.id}" (token ${user.token})`,
      authAdvice:
        'check the service user id and token, and that its permission group may read these people',
      settings: c.http,
      fetch: fetchOf(ctx),
      log: ctx.log,
    });
    const asked = [
      ...new Set(
        Object.values(fields)
          .filter((f): f is string => f !== undefined)
          .map(requestedField),
      ),
    ];
    const idOf = (e: unknown) =>
      isObject(e) && fields.id !== undefined ? String(valueAt(e, fields.id) ?? '') : '';
    const mapping = () => ({ fields, states: c.states, today: todayOf(ctx) });

    return {
      label: `hibob ${base}`,
      snapshotKind: 'full',
      async snapshot() {
        const { employees, bytes } = await searchPeople(http, asked);
        if (employees.length === 0) {
          throw new TenureError(
            'hr.vendor_response',
            'HiBob people search: nobody at all; refusing to read an empty roster as "everyone left"',
            { vendor: 'HiBob' },
          );
        }
        const m = mapping();
        const rows = employees.map((e, i) => mapHibobPerson(e, i + 1, m));
        return buildReadResult(rows, { sha256: sha256Of([bytes]), partial: false });
      },

      async fetchPeople(ids) {
        const wanted = [...new Set(ids)];
        const found: unknown[] = [];
        const bytes: Buffer[] = [];
        for (let i = 0; i < wanted.length; i += IDS_PER_SEARCH) {
          const r = await searchPeople(http, asked, wanted.slice(i, i + IDS_PER_SEARCH));
          const set = new Set(wanted);
          found.push(...r.employees.filter((e) => set.has(idOf(e))));
          bytes.push(r.bytes);
        }
        const seen = new Set(found.map(idOf));
        const m = mapping();
        const rows = found.map((e, i) => mapHibobPerson(e, i + 1, m));
        return {
          ...buildReadResult(rows, { sha256: sha256Of(bytes), partial: true }),
          notFound: wanted.filter((id) => !seen.has(id)),
        };
      },

      ...(c.webhook && {
        webhook: {
          verify: (raw, headers, now) =>
            verifyHibobWebhook(raw, headers, now, ctx.secret(c.webhook!.secret)),
        },
      }),
    };
  },
};
