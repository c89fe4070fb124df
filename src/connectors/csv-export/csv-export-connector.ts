/**
 * csv-export: an application fed by a file. Tenure keeps the file's rows equal to the desired
 * accounts; another system (payroll import, badge system) picks the file up.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { Operation, OperationResult } from '../../domain/types.js';
import type { AccountRecord, ConnectorFactory } from '../contract.js';
import { type AccountTable, changeRows, loadTable, pieces, readAccounts } from './account-table.js';
import {
  ENTITLEMENT_SEPARATOR,
  type FileStamp,
  fileStamp,
  readAccountBytes,
  readAccountFile,
  sameStamp,
  writeFileAtomically,
} from './csv-file.js';
import { lockAccountFile } from './file-lock.js';

const settings = z.strictObject({
  /** Output file, relative to the workspace. */
  path: z.string().min(1),
  /** How long a batch waits for another writer's lock on the file before failing (default 30). */
  lock_wait_seconds: z.number().int().min(0).max(3600).optional(),
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
     * The file as this connector last wrote it, as sorted rows, and the stamp it had then. While
     * the file still has that stamp, a batch parses, renders and replaces only the rows it
     * touches; any other writer changes the stamp and the file is loaded afresh. At 100 k
     * accounts, reading, parsing, sorting and rendering the whole file cost ~1.5 s per batch.
     */
    let last: { table: AccountTable; stamp: FileStamp } | undefined;
    const current = async (): Promise<AccountTable> => {
      const stamp = await fileStamp(file);
      if (last && stamp && sameStamp(stamp, last.stamp)) return last.table;
      return loadTable(await readAccountBytes(file));
    };
    /** The batch's results; every one a failure when the file could not be written. */
    const applyBatch = async (ops: readonly Operation[]): Promise<OperationResult[]> => {
      const table = await current();
      last = undefined; // valid again only once this batch is written
      const accounts = readAccounts(table, new Set(ops.map((op) => op.account_id)));
      const before = new Map([...accounts].map(([id, a]) => [id, valued(a)]));
      const results = ops.map((op) => applyOne(accounts, op));
      const changes = new Map<string, AccountRecord | undefined>();
      for (const op of ops) changes.set(op.account_id, accounts.get(op.account_id));
      const vacated = new Set<string>();
      for (const names of before.values()) for (const c of names) vacated.add(c);
      for (const a of accounts.values()) for (const c of valued(a)) vacated.delete(c);
      const next = changeRows(table, changes, vacated);
      try {
        const stamp = await writeFileAtomically(file, pieces(next));
        if (stamp) last = { table: next, stamp };
      } catch (e) {
        const message = `could not write ${file}: ${(e as Error).message}`;
        return ops.map((op) => ({ key: op.key, outcome: 'failure', message }));
      }
      return results;
    };
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
        // Read-modify-write under the file's lock: a second writer (another process, another
        // application on the same file) would otherwise replace the file with its own rows and
        // lose this batch's, which the store would record as applied.
        let unlock: () => Promise<void>;
        try {
          unlock = await lockAccountFile(file, ctx.config.lock_wait_seconds ?? 30, ctx.log);
        } catch (e) {
          const message = (e as Error).message;
          for (const op of ops) yield { key: op.key, outcome: 'failure', message };
          return;
        }
        let results: OperationResult[];
        try {
          results = await applyBatch(ops);
        } finally {
          await unlock();
        }
        yield* results;
      },
      async close() {
        last = undefined;
      },
    };
  },
};

/** The attribute names an account has a value for (an empty value is an empty cell). */
const valued = (a: AccountRecord): string[] =>
  Object.keys(a.attributes).filter((k) => a.attributes[k] !== '');

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
