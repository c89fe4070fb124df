/** Test workspaces: a tenure.yaml + HR files in a temp dir, on a fresh SQLite or PostgreSQL store, with a movable clock. */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { createSigningKey } from '../../src/audit/signing-key.js';
import { HR_FIELDS, type HrRecord } from '../../src/domain/types.js';
import { openWorkspace, STATE_DIR, type Workspace } from '../../src/engine/workspace.js';
import { createTestStore, type TestDialect, type TestStore } from './databases.js';

export const DEMO_DIR = new URL('../../examples/demo/', import.meta.url).pathname;

export type TestWorkspace = {
  ws: Workspace;
  dir: string;
  db: TestStore;
  setNow(iso: string): void;
  writeHr(name: string, records: HrRecord[]): string;
  cleanup(): Promise<void>;
};

export async function makeWorkspace(
  dialect: TestDialect,
  opts: { yaml?: string; demoFiles?: boolean; now?: string } = {},
): Promise<TestWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), 'tenure-ws-'));
  if (opts.demoFiles !== false) cpSync(join(DEMO_DIR, 'hr'), join(dir, 'hr'), { recursive: true });
  cpSync(join(DEMO_DIR, 'tenure.yaml'), join(dir, 'tenure.yaml'));
  if (opts.yaml) writeFileSync(join(dir, 'tenure.yaml'), opts.yaml);
  mkdirSync(join(dir, STATE_DIR), { recursive: true });
  createSigningKey(join(dir, STATE_DIR));
  const db = await createTestStore(dialect);
  let now = new Date(opts.now ?? '2026-11-26T09:00:00Z');
  const ws = await openWorkspace(dir, {
    clock: () => now,
    env: { ...process.env, TENURE_DATABASE_URL: db.url },
  });
  return {
    ws,
    dir,
    db,
    setNow(iso) {
      now = new Date(iso);
    },
    writeHr(name, records) {
      const file = join(dir, 'hr', name);
      mkdirSync(join(dir, 'hr'), { recursive: true });
      writeFileSync(
        file,
        stringify([[...HR_FIELDS], ...records.map((r) => HR_FIELDS.map((f) => r[f] ?? ''))]),
      );
      return file;
    },
    async cleanup() {
      await ws.close();
      await db.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every audit event, in seq order. */
export async function auditEvents(ws: Workspace) {
  const events: Awaited<ReturnType<Workspace['store']['audit']['append']>> = [];
  for await (const e of ws.store.audit.iterate()) events.push(e);
  return events;
}
