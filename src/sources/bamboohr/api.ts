/**
 * The BambooHR calls Tenure makes (documentation.bamboohr.com/reference): the custom report (every
 * employee, Active and Inactive), one employee, and the ids changed since a moment.
 */
import { TenureError } from '../../domain/errors.js';
import { isObject } from '../common/context.js';
import type { VendorHttp } from '../common/http.js';

export type Fetched = { employees: unknown[]; bytes: Buffer[] };

const malformed = (what: string, why: string) =>
  new TenureError('hr.vendor_response', `BambooHR ${what}: ${why}`, { vendor: 'BambooHR' });

/**
 * POST /v1/reports/custom?format=JSON: every employee, inactive ones included (the directory is
 * not a roster of record: it may leave them out). `onlyCurrent=false` adds future-dated values of
 * history tables (a termination entered ahead of its date).
 */
export async function customReport(
  http: VendorHttp,
  fields: string[],
  onlyCurrent: boolean,
): Promise<Fetched> {
  const res = await http.request({
    method: 'POST',
    path: '/api/v1/reports/custom',
    query: { format: 'JSON', onlyCurrent: String(onlyCurrent) },
    body: { title: 'Tenure roster', fields },
  });
  const body = res.body;
  if (!isObject(body) || !Array.isArray(body.employees))
    throw malformed('custom report', 'expected an object with an "employees" array');
  return { employees: body.employees, bytes: [res.bytes] };
}

/** GET /v1/employees/{id}?fields=…: one employee, or undefined when BambooHR does not know the id. */
export async function oneEmployee(
  http: VendorHttp,
  id: string,
  fields: string[],
  onlyCurrent: boolean,
): Promise<{ employee: unknown; bytes: Buffer } | undefined> {
  const res = await http.request({
    method: 'GET',
    path: `/api/v1/employees/${encodeURIComponent(id)}`,
    query: { fields: fields.join(','), onlyCurrent: String(onlyCurrent) },
    allowNotFound: true,
  });
  if (res.status === 404) return undefined;
  if (!isObject(res.body)) throw malformed(`employee ${id}`, 'expected an employee object');
  return { employee: res.body, bytes: res.bytes };
}

/**
 * GET /v1/employees/changed?since=…: `{"latest": "…", "employees": {"3": {"id": "3", "action":
 * "Updated", "lastChanged": "…"}}}`. `latest` is the next watermark, kept exactly as sent.
 */
export async function changedSince(
  http: VendorHttp,
  since: string,
): Promise<{ ids: string[]; latest: string }> {
  const res = await http.request({
    method: 'GET',
    path: '/api/v1/employees/changed',
    query: { since },
  });
  const body = res.body;
  if (!isObject(body) || typeof body.latest !== 'string' || body.latest === '')
    throw malformed('changed employees', 'expected "latest" (the next watermark)');
  const employees = body.employees ?? {};
  if (!isObject(employees) && !Array.isArray(employees))
    throw malformed('changed employees', 'expected "employees" to be an object keyed by id');
  const ids = new Set<string>();
  for (const [key, e] of Object.entries(employees)) {
    const id = isObject(e) && (typeof e.id === 'string' || typeof e.id === 'number') ? e.id : key;
    if (/^[A-Za-z0-9._-]{1,64}$/.test(String(id))) ids.add(String(id));
  }
  return { ids: [...ids], latest: body.latest };
}
