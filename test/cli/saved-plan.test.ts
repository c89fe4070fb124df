/**
 * Saved plans through the CLI: `plan --out` then `apply <file>` applies exactly that plan; a plan
 * whose HR snapshot moved on is refused (exit 7, naming the change) and a hand-edited one too
 * (exit 2), with nothing applied.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor, DEMO_NOW, initWorkspace, rewriteHr, tempDir } from './run-cli.js';

const tmp = tempDir('saved-plan');
afterAll(tmp.cleanup);
const dir = join(tmp.dir, 'w');
const cli = cliFor(dir, { TENURE_NOW: DEMO_NOW });
const file = (name: string) => join(tmp.dir, name);
type Saved = { operations: { key: string; account_id: string }[]; integrity: string };
const readPlan = (name: string): Saved => JSON.parse(readFileSync(file(name), 'utf8'));
const runs = async () => (await cli(['runs', 'list', '--json'])).json<unknown[]>();

beforeAll(async () => {
  initWorkspace(dir);
  const imported = await cli(['import']);
  expect(imported.code, imported.why).toBe(0);
});

describe('a saved plan', () => {
  it('plan --out writes the operations with their keys and says how to apply it', async () => {
    const r = await cli(['plan', '--out', file('stale.json')]);
    expect(r.code, r.why).toBe(0);
    expect(r.stdout).toContain(`Saved the plan to ${file('stale.json')}`);
    const saved = readPlan('stale.json');
    expect(saved).toMatchObject({ format: 'tenure.saved-plan', version: 1 });
    expect(saved.operations.length).toBeGreaterThan(100);
  });

  it('an HR change imported since: apply refuses it (exit 7) naming the source, applies nothing', async () => {
    let done = false;
    rewriteHr(join(dir, 'hr', 'employees.csv'), join(dir, 'hr', 'changed.csv'), (r) => {
      if (!done && r.status === 'active') {
        done = true;
        return { ...r, status: 'terminated', end_date: '2026-11-20' };
      }
      return r;
    });
    const imported = await cli(['import', '--file', 'hr/changed.csv']);
    expect(imported.code, imported.why).toBe(0);

    const r = await cli(['apply', file('stale.json')]);
    expect(r.code, r.why).toBe(7);
    expect(r.stderr).toContain('error [plan.stale]: the saved plan is stale, nothing was applied');
    expect(r.stderr).toMatch(/source hr: snapshot 1 when planned, now 2/);
    expect(await runs()).toEqual([]);
  });

  it('a hand-edited plan is refused (exit 2) before anything runs', async () => {
    const r0 = await cli(['plan', '--out', file('edited.json')]);
    expect(r0.code, r0.why).toBe(0);
    const saved = readPlan('edited.json');
    saved.operations[0]!.account_id = 'someone-else';
    writeFileSync(file('edited.json'), JSON.stringify(saved));
    const r = await cli(['apply', file('edited.json')]);
    expect(r.code, r.why).toBe(2);
    expect(r.stderr).toContain('error [plan.tampered]');
    expect(await runs()).toEqual([]);
  });

  it('plan --out then apply <file>: exactly those operations are applied', async () => {
    const r0 = await cli(['plan', '--out', file('fresh.json')]);
    expect(r0.code, r0.why).toBe(0);
    const saved = readPlan('fresh.json');
    // The person terminated before their first run gets no accounts: fewer than the stale plan.
    expect(saved.operations.length).toBeLessThan(readPlan('stale.json').operations.length);

    const r = await cli(['apply', file('fresh.json'), '--json']);
    expect(r.code, r.why).toBe(0);
    const out = r.json();
    expect(out.status).toBe('done');
    expect(out.plan.operations.map((o: { key: string }) => o.key)).toEqual(
      saved.operations.map((o) => o.key),
    );
    const e = out.execution;
    expect(e.success + e.failure + e.pending_manual).toBe(saved.operations.length);
    const after = await cli(['plan', '--json']);
    expect(after.json().operations).toEqual([]);
  });

  it('a plan file that is not one is bad input naming the file', async () => {
    writeFileSync(file('junk.json'), '{"hello": 1}');
    const r = await cli(['apply', file('junk.json')]);
    expect(r.code, r.why).toBe(2);
    expect(r.stderr).toContain(`error [plan.invalid]: ${file('junk.json')}: not a saved plan`);
  });
});
