/** The API and the run lock: while another replica runs, POST /runs and /approve are 409 problems naming it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withRunLock } from '../../src/engine/runs/run-lock.js';
import { importSource } from '../../src/engine/sync/import-source.js';
import { openWorkspace, type Workspace } from '../../src/engine/workspace.js';
import { testDialects } from '../support/databases.js';
import { makeTestApp, type TestApp } from './support.js';

describe.each(testDialects())('run lock over HTTP (%s)', (dialect) => {
  let t: TestApp;
  let replica: Workspace;
  beforeAll(async () => {
    t = await makeTestApp(dialect);
    // The same workspace opened again: another replica, with connections of its own.
    replica = await openWorkspace(t.tw.dir, {
      clock: t.tw.ws.clock,
      env: { ...process.env, TENURE_DATABASE_URL: t.tw.db.url },
    });
  });
  afterAll(async () => {
    await replica?.close();
    await t?.cleanup();
  });

  it('answers 409 run.in_progress naming the holder, then runs once it is free', async () => {
    await importSource(t.tw.ws, { file: 'hr/employees-next.csv' });
    const post = (url: string) =>
      t.app.inject({ method: 'POST', url, headers: t.bearer('admin'), payload: {} });
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    const holding = withRunLock(
      replica,
      { command: 'schedule:import_and_run', actor: 'system' },
      async (lock) => {
        await lock.setRun('run_on_the_other_replica');
        entered();
        await new Promise<void>((r) => {
          release = r;
        });
      },
    );
    await inside;

    for (const url of ['/api/v1/runs', '/api/v1/runs/run_any/approve']) {
      const busy = await post(url);
      expect(busy.statusCode, busy.body).toBe(409);
      expect(busy.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(busy.json()).toMatchObject({
        code: 'run.in_progress',
        detail: expect.stringContaining(
          'run run_on_the_other_replica, schedule:import_and_run by system, pid',
        ),
      });
    }
    release();
    await holding;
    const res = await post('/api/v1/runs');
    expect(res.statusCode, res.body).toBe(200);
  });
});
