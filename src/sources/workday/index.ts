/**
 * The Workday source: a RaaS report (JSON, ISU Basic auth) as the read, with configurable field
 * paths; workers matched on WorkerID across rehires and conversions; future hires (Active=0 until
 * their hire date) are pre-hires; a termination's last day of work, known ahead through the
 * report, schedules the leaver. No changed-since API: full reads on the schedule, signed change
 * notices in between.
 * @see docs/hr-sources.md#workday
 */
import { TenureError } from '../../domain/errors.js';
import { fetchOf, isObject, mapLimit, todayOf } from '../common/context.js';
import { basicAuth, createVendorHttp } from '../common/http.js';
import { buildReadResult, sha256Of } from '../common/records.js';
import type { SourceFactory } from '../contract.js';
import {
  WORKDAY_FIELDS,
  type WorkdayConfig,
  type WorkdayInput,
  workdayConfigSchema,
} from './config.js';
import { currentPerWorker, mapWorkdayEntry } from './mapping.js';
import { reportValue } from './paths.js';
import { verifyWorkdayWebhook } from './webhook.js';

const CONCURRENCY = 4;

export const workdaySource: SourceFactory<WorkdayConfig> = {
  type: 'workday',
  configGuard: workdayConfigSchema,
  create(ctx) {
    const c = ctx.config;
    const fields: Record<WorkdayInput, string | undefined> = { ...WORKDAY_FIELDS };
    for (const [k, v] of Object.entries(c.fields))
      if (v !== undefined) fields[k as WorkdayInput] = v;
    const url = new URL(c.report_url);
    const http = createVendorHttp({
      vendor: 'Workday',
      baseUrl: url.origin,
      authorization: () => basicAuth(c.username, ctx.secret(c.password)),
      credential: `the integration system user "${c.username}"`,
      authAdvice:
        'check the ISU password and that its security group may run the report (and it is web-service enabled)',
      settings: c.http,
      fetch: fetchOf(ctx),
      log: ctx.log,
    });
    const mapping = () => ({ fields, states: c.states, today: todayOf(ctx) });

    const report = async (extra: Record<string, string> = {}) => {
      const res = await http.request({
        method: 'GET',
        path: url.pathname,
        query: { ...c.prompts, ...extra, format: 'json' },
      });
      if (!isObject(res.body) || !Array.isArray(res.body.Report_Entry)) {
        throw new TenureError(
          'hr.vendor_response',
          'Workday report: expected an object with a "Report_Entry" array (is the report web-service enabled, and format=json honoured?)',
          { vendor: 'Workday' },
        );
      }
      return { entries: res.body.Report_Entry as unknown[], bytes: res.bytes };
    };
    const read = (entries: unknown[], bytes: Buffer[], partial: boolean) => {
      const m = mapping();
      const grouped = currentPerWorker(entries.map((e, i) => mapWorkdayEntry(e, i + 1, m)));
      return buildReadResult(grouped.rows, {
        sha256: sha256Of(bytes),
        partial,
        warnings: grouped.warnings,
      });
    };
    const workerOf = (e: unknown) => {
      const path = fields.worker_id;
      if (!isObject(e) || path === undefined) return '';
      return String(reportValue(e, path) ?? '');
    };

    return {
      label: `workday ${url.origin}${url.pathname}`,
      snapshotKind: 'full',
      async snapshot() {
        const { entries, bytes } = await report();
        if (entries.length === 0) {
          throw new TenureError(
            'hr.vendor_response',
            'Workday report: no entries at all; refusing to read an empty roster as "everyone left"',
            { vendor: 'Workday' },
          );
        }
        return read(entries, [bytes], false);
      },

      async fetchPeople(ids) {
        const wanted = [...new Set(ids)];
        let entries: unknown[];
        let bytes: Buffer[];
        if (c.worker_prompt !== undefined) {
          const prompt = c.worker_prompt;
          const each = await mapLimit(wanted, CONCURRENCY, (id) => report({ [prompt]: id }));
          entries = each.flatMap((r) => r.entries);
          bytes = each.map((r) => r.bytes);
        } else {
          const all = await report();
          entries = all.entries;
          bytes = [all.bytes];
        }
        const set = new Set(wanted);
        const mine = entries.filter((e) => set.has(workerOf(e)));
        const seen = new Set(mine.map(workerOf));
        return {
          ...read(mine, bytes, true),
          notFound: wanted.filter((id) => !seen.has(id)),
        };
      },

      ...(c.webhook && {
        webhook: {
          verify: (raw, headers, now) =>
            verifyWorkdayWebhook(raw, headers, now, ctx.secret(c.webhook!.secret)),
        },
      }),
    };
  },
};
