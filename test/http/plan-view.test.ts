/**
 * POST /api/v1/runs/plan answers the structure `tenure plan --json` prints: the same summary
 * counts and the same groups (identity, then application, a reason header per person), built by
 * one definition (engine/runs/plan-groups.ts) — checked against the CLI's own JSON of the same
 * state, for the changes of the demo's second HR snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planJson } from '../../src/cli/plan-view.js';
import { previewRun } from '../../src/engine/runs/runs.js';
import { importSource } from '../../src/engine/sync/import-source.js';
import { planGroupSchema, planSummarySchema } from '../../src/http/schemas.js';
import { testDialects } from '../support/databases.js';
import { makeTestApp, type TestApp } from './support.js';

type Group = {
  identity_id: string | null;
  why: string;
  applications: { app_id: string; changes: { sign: string; key: string; text: string }[] }[];
};

describe.each(testDialects())('plan over HTTP, as tenure plan --json (%s)', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp(dialect);
    await importSource(t.tw.ws, { file: 'hr/employees-next.csv' });
  });
  afterAll(() => t?.cleanup());

  it('groups by identity then application with a reason per person and the summary counts', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/runs/plan',
      headers: t.bearer('operator'),
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(200);
    const api = res.json() as {
      operations: { key: string; identity_id: string | null }[];
      truncated: boolean;
      summary: Record<string, number>;
      by_identity: Group[];
    };
    const cli = planJson(await previewRun(t.tw.ws));

    // The same definition on both sides: equal, field for field.
    expect(api.truncated).toBe(false);
    expect(api.summary).toEqual(cli.summary);
    expect(api.by_identity).toEqual(JSON.parse(JSON.stringify(cli.by_identity)));
    expect(planSummarySchema.strict().parse(api.summary)).toEqual(api.summary);
    for (const g of api.by_identity) expect(planGroupSchema.parse(g)).toEqual(g);

    // Every listed operation appears once in the groups, under its identity.
    const grouped = api.by_identity.flatMap((g) =>
      g.applications.flatMap((a) => a.changes.map((c) => [c.key, g.identity_id])),
    );
    expect(grouped.map(([k]) => k).sort()).toEqual(api.operations.map((o) => o.key).sort());
    const byKey = new Map(api.operations.map((o) => [o.key, o.identity_id]));
    for (const [key, id] of grouped) expect(byKey.get(key as string)).toBe(id);
    expect(api.summary.total).toBe(api.operations.length);

    // One group per person, applications not repeated; each says why (leavers: their date).
    const ids = api.by_identity.map((g) => g.identity_id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const g of api.by_identity) {
      const apps = g.applications.map((a) => a.app_id);
      expect(new Set(apps).size).toBe(apps.length);
    }
    const whys = api.by_identity.map((g) => g.why);
    expect(whys.some((w) => w.startsWith('leaver: '))).toBe(true);
    expect(whys.every((w) => w.length > 0)).toBe(true);
    const leaver = api.by_identity.find((g) => g.why.startsWith('leaver: '))!;
    expect(leaver.applications.flatMap((a) => a.changes.map((c) => c.sign))).toContain('-');
  });
});
