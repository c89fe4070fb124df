/**
 * The BambooHR source: API key auth; full read = the custom report (Active and Inactive, with
 * terminations entered ahead of their date); delta = `employees/changed?since=`; thin webhooks
 * verified with X-BambooHR-Signature, then the people re-read one by one.
 * @see https://documentation.bamboohr.com/reference
 */
import { TenureError } from '../../domain/errors.js';
import { fetchOf, isObject, mapLimit, todayOf } from '../common/context.js';
import { basicAuth, createVendorHttp } from '../common/http.js';
import { buildReadResult, sha256Of } from '../common/records.js';
import { oneOf } from '../common/values.js';
import type { SourceFactory } from '../contract.js';
import { changedSince, customReport, oneEmployee } from './api.js';
import {
  BAMBOOHR_FIELDS,
  type BambooConfig,
  type BambooInput,
  bamboohrConfigSchema,
} from './config.js';
import { mapBambooEmployee } from './mapping.js';
import { verifyBambooWebhook } from './webhook.js';

/** Above this many people, two reports cost less than two requests per person. */
const ONE_BY_ONE_LIMIT = 25;
const CONCURRENCY = 4;

export const bamboohrSource: SourceFactory<BambooConfig> = {
  type: 'bamboohr',
  configGuard: bamboohrConfigSchema,
  create(ctx) {
    const c = ctx.config;
    const fields: Record<BambooInput, string | undefined> = { ...BAMBOOHR_FIELDS };
    for (const [k, v] of Object.entries(c.fields))
      if (v !== undefined) fields[k as BambooInput] = v;
    const origin = c.base_url ?? `https://${c.company_domain}.bamboohr.com`;
    const http = createVendorHttp({
      vendor: 'BambooHR',
      baseUrl: origin,
      authorization: () => basicAuth(ctx.secret(c.api_key), 'x'),
      credential: `the API key ${c.api_key}`,
      authAdvice: 'check that the key exists and that its user is active and may see employees',
      settings: c.http,
      fetch: fetchOf(ctx),
      log: ctx.log,
      errorHeader: 'x-bamboohr-error-message',
    });
    const defined = (list: (string | undefined)[]) => [
      ...new Set(list.filter((f): f is string => f !== undefined)),
    ];
    const names = defined(Object.values(fields));
    // Future-dated values are read for the termination only: a department change dated next month
    // must not move anyone today, but a leaving date must be known ahead to schedule the leaver.
    const aheadNames = defined([fields.id, fields.employment_status, fields.termination_date]);
    const idOf = (e: unknown) =>
      isObject(e) && fields.id !== undefined ? String(e[fields.id] ?? '') : '';

    /** Current values, plus employment status and termination date when a termination lies ahead. */
    const merge = (current: unknown[], ahead: unknown[]): unknown[] => {
      const byId = new Map(ahead.filter(isObject).map((a) => [idOf(a), a]));
      const status = fields.employment_status;
      return current.map((e) => {
        const a = byId.get(idOf(e));
        if (!isObject(e) || !a || status === undefined) return e;
        if (oneOf(c.states.terminated, typeof a[status] === 'string' ? a[status] : undefined)) {
          const termination = fields.termination_date;
          return {
            ...e,
            [status]: a[status],
            ...(termination !== undefined && { [termination]: a[termination] }),
          };
        }
        return e;
      });
    };
    const mapping = () => ({ fields, states: c.states, today: todayOf(ctx) });

    const reports = async () => {
      const [cur, ahead] = await Promise.all([
        customReport(http, names, true),
        customReport(http, aheadNames, false),
      ]);
      return {
        employees: merge(cur.employees, ahead.employees),
        bytes: [...cur.bytes, ...ahead.bytes],
      };
    };

    /** One person: current values, merged with a termination entered ahead of its date. */
    const readOne = async (id: string) => {
      const [cur, ahead] = await Promise.all([
        oneEmployee(http, id, names, true),
        oneEmployee(http, id, aheadNames, false),
      ]);
      if (!cur) return undefined;
      const key = fields.id;
      // GET /employees/{id} may leave the id out of the answer: it is the one asked for.
      const e =
        isObject(cur.employee) && key !== undefined && !(key in cur.employee)
          ? { ...cur.employee, [key]: id }
          : cur.employee;
      const [employee] = merge([e], ahead ? [ahead.employee] : []);
      return { id, employee, bytes: [cur.bytes, ...(ahead ? [ahead.bytes] : [])] };
    };

    return {
      label: `bamboohr ${origin}`,
      snapshotKind: 'full',
      async snapshot() {
        const { employees, bytes } = await reports();
        if (employees.length === 0) {
          throw new TenureError(
            'hr.vendor_response',
            'BambooHR custom report: no employees at all; refusing to read an empty roster as "everyone left"',
            { vendor: 'BambooHR' },
          );
        }
        const m = mapping();
        const rows = employees.map((e, i) => mapBambooEmployee(e, i + 1, m));
        return buildReadResult(rows, { sha256: sha256Of(bytes), partial: false });
      },

      async changedSince(watermark) {
        const r = await changedSince(http, watermark);
        return { ids: r.ids, watermark: r.latest };
      },

      async fetchPeople(ids) {
        const wanted = [...new Set(ids)];
        let found: { id: string; employee: unknown }[];
        let bytes: Buffer[];
        if (wanted.length > ONE_BY_ONE_LIMIT) {
          const all = await reports();
          const set = new Set(wanted);
          found = all.employees
            .filter((e) => set.has(idOf(e)))
            .map((e) => ({ id: idOf(e), employee: e }));
          bytes = all.bytes;
        } else {
          const each = await mapLimit(wanted, CONCURRENCY, (id) => readOne(id));
          found = each.flatMap((x) => (x ? [{ id: x.id, employee: x.employee }] : []));
          bytes = each.flatMap((x) => x?.bytes ?? []);
        }
        const seen = new Set(found.map((f) => f.id));
        const m = mapping();
        const rows = found.map((f, i) => mapBambooEmployee(f.employee, i + 1, m));
        return {
          ...buildReadResult(rows, { sha256: sha256Of(bytes), partial: true }),
          notFound: wanted.filter((id) => !seen.has(id)),
        };
      },

      ...(c.webhook && {
        webhook: {
          verify: (raw, headers, now) =>
            verifyBambooWebhook(raw, headers, now, ctx.secret(c.webhook!.secret)),
        },
      }),
    };
  },
};
