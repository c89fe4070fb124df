/**
 * csv-export: an application fed by a file. Tenure keeps the file's rows equal to the desired
 * accounts; another system (payroll import, badge system) picks the file up.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { Operation, OperationResult } from '../../domain/types.js';
import type { AccountRecord, ConnectorFactory } from '../contract.js';
import {
  ENTITLEMENT_SEPARATOR,
  emptyRenderCache,
  parseAccountFile,
  type RenderCache,
  readAccountBytes,
  readAccountFile,
  renderAccountFile,
  writeFileAtomically,
} from './csv-file.js';

const settings = z.strictObject({
  /** Output file, relative to the workspace. */
  path: z.string().min(1),
});
export type CsvExportSettings = z.infer<typeof settings>;

export const csvExportConnector: ConnectorFactory<CsvExportSettings> = {
  kind: 'csv-export',
  configGuard: settings,
  async create(ctx) {
    const file = isAbsolute(ctx.config.path)
      ? ctx.config.path
      : resolve(ctx.baseDir, ctx.config.path);
    /**
     * The file as this connector last wrote it, with its parsed accounts and rendered rows. While
     * the bytes on disk are still exactly these, a batch reuses them and re-renders only the rows
     * it touched: at 100 k accounts, parsing and rendering the whole file cost ~1.5 s per batch.
     * Any other writer changes the bytes, and the file is parsed afresh. Writes stay atomic.
     */
    let last:
      | { bytes: Buffer; accounts: Map<string, AccountRecord>; rows: RenderCache }
      | undefined;
    return {
      async check() {
        try {
          const accounts = await readAccountFile(file);
          return {
            ok: true,
            checks: [{ name: 'file', ok: true, detail: `${file}: ${accounts.size} accounts` }],
          };
        } catch (e) {
          return {
            ok: false,
            checks: [{ name: 'file', ok: false, detail: `${file}: ${(e as Error).message}` }],
          };
        }
      },
      async *read() {
        yield* (await readAccountFile(file)).values();
      },
      async *apply(ops) {
        const prev = last;
        last = undefined; // valid again only once this batch is written
        const bytes = await readAccountBytes(file);
        const kept = prev && bytes?.equals(prev.bytes) ? prev : undefined;
        const accounts = kept?.accounts ?? (bytes ? parseAccountFile(bytes) : new Map());
        const rows = kept?.rows ?? emptyRenderCache();
        const results = ops.map((op) => applyOne(accounts, op));
        for (const op of ops) rows.rows.delete(op.account_id);
        try {
          const written = renderAccountFile(accounts.values(), rows);
          await writeFileAtomically(file, written);
          last = { bytes: written, accounts, rows };
        } catch (e) {
          const message = `could not write ${file}: ${(e as Error).message}`;
          for (const op of ops) yield { key: op.key, outcome: 'failure', message };
          return;
        }
        yield* results;
      },
      async close() {
        last = undefined;
      },
    };
  },
};

function applyOne(accounts: Map<string, AccountRecord>, op: Operation): OperationResult {
  const ok = (message?: string): OperationResult => ({
    key: op.key,
    outcome: 'success',
    ...(message ? { message } : {}),
  });
  const fail = (message: string): OperationResult => ({ key: op.key, outcome: 'failure', message });
  const account = accounts.get(op.account_id);
  switch (op.kind) {
    case 'account.create':
      accounts.set(op.account_id, {
        account_id: op.account_id,
        employee_id: op.identity_id,
        // Pre-hires are created disabled and enabled on their start date.
        enabled: op.enabled !== false,
        container: op.container ?? null,
        entitlements: account?.entitlements ?? [],
        attributes: { ...op.attributes },
      });
      return ok(account ? 'already existed; brought to desired values' : undefined);
    case 'account.delete':
      accounts.delete(op.account_id);
      return ok(account ? undefined : 'already absent');
    case 'manual.task':
      return fail('csv-export does not take manual tasks');
    default:
      break;
  }
  if (!account) {
    return op.kind === 'account.disable' || op.kind === 'entitlement.revoke'
      ? ok('account absent: nothing to remove')
      : fail(`account "${op.account_id}" not found in the export file`);
  }
  switch (op.kind) {
    case 'account.update':
      account.attributes = { ...account.attributes, ...op.attributes };
      return ok();
    case 'account.move':
      account.container = op.container ?? null;
      return ok();
    case 'account.disable':
      account.enabled = false;
      return ok();
    case 'account.enable':
      account.enabled = true;
      return ok();
    case 'entitlement.grant': {
      const ent = op.entitlement ?? '';
      if (ent.includes(ENTITLEMENT_SEPARATOR))
        return fail(`entitlement id "${ent}" contains "${ENTITLEMENT_SEPARATOR}"`);
      if (!account.entitlements.includes(ent)) account.entitlements.push(ent);
      return ok();
    }
    case 'entitlement.revoke':
      account.entitlements = account.entitlements.filter((e) => e !== op.entitlement);
      return ok();
  }
}
