/**
 * HiBob people search (apidocs.hibob.com/docs/people-read-api-contract): one answer with every
 * match, no pagination; `showInactive: true` or leavers are left out; at most one filter
 * (`root.id` equals …). 50 searches a minute: 429 beyond, honoured by the HTTP client.
 */
import { TenureError } from '../../domain/errors.js';
import { isObject } from '../common/context.js';
import type { VendorHttp } from '../common/http.js';

export type Searched = { employees: unknown[]; bytes: Buffer };

export async function searchPeople(
  http: VendorHttp,
  fields: string[],
  ids?: string[],
): Promise<Searched> {
  const res = await http.request({
    method: 'POST',
    path: '/people/search',
    body: {
      fields,
      ...(ids && { filters: [{ fieldPath: 'root.id', operator: 'equals', values: ids }] }),
      showInactive: true,
      humanReadable: 'REPLACE',
    },
  });
  if (!isObject(res.body) || !Array.isArray(res.body.employees)) {
    throw new TenureError(
      'hr.vendor_response',
      'HiBob people search: expected an object with an "employees" array',
      { vendor: 'HiBob' },
    );
  }
  return { employees: res.body.employees, bytes: res.bytes };
}
