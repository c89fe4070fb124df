/** Reads every account of one application through its connector, validated at the edge. */
import { z } from 'zod';
import { formatPath } from '../../config/format-issues.js';
import type { AccountRecord, Connector, ReadOptions } from '../../connectors/contract.js';
import { TenureError } from '../../domain/errors.js';

/** The connector contract's AccountRecord, checked: a bad record fails the application, never half-stores it. */
const accountRecordSchema = z.object({
  account_id: z.string().min(1),
  attributes: z.record(z.string(), z.string()),
  container: z.string().nullable(),
  enabled: z.boolean(),
  entitlements: z.array(z.string().min(1)),
  employee_id: z.string().nullable(),
});

const PROGRESS_EVERY = 1000;

/**
 * Collects the whole read (correlation needs every account at once, and an incomplete read
 * must not be stored as the truth). `expected` (what the store knows) only sizes the progress bar.
 */
export async function readAccounts(
  appId: string,
  connector: Connector,
  expected: number,
  onProgress?: (done: number, total: number) => void,
  read: ReadOptions = {},
): Promise<AccountRecord[]> {
  const records: AccountRecord[] = [];
  const seen = new Set<string>();
  for await (const raw of connector.read(read)) {
    const parsed = accountRecordSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const id = (raw as { account_id?: unknown } | null)?.account_id;
      throw new TenureError(
        'reconcile.bad_record',
        `application "${appId}": account #${records.length + 1}${typeof id === 'string' ? ` ("${id}")` : ''} read from the target is invalid: ${formatPath(issue.path) || 'record'}: ${issue.message}`,
        { app_id: appId, index: records.length, path: formatPath(issue.path) },
      );
    }
    const record = parsed.data;
    if (seen.has(record.account_id)) {
      throw new TenureError(
        'reconcile.duplicate_account',
        `application "${appId}": the target returned account "${record.account_id}" twice`,
        { app_id: appId, account_id: record.account_id },
      );
    }
    seen.add(record.account_id);
    records.push(record);
    if (records.length % PROGRESS_EVERY === 0)
      onProgress?.(records.length, Math.max(expected, records.length));
  }
  onProgress?.(records.length, records.length);
  return records;
}
