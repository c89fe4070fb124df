/** `tenure reviews …` on the demo: create, launch, list, show, inbox, decide, sign off, close — with --json. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor, DEMO_NOW, tempDir, tenure } from './run-cli.js';

const tmp = tempDir('reviews');
afterAll(tmp.cleanup);
const dir = join(tmp.dir, 'demo');
const cli = cliFor(dir, { TENURE_NOW: DEMO_NOW, TENURE_ACTOR: 'alice' });

type Item = {
  id: number;
  reviewer: string;
  identity_id: string;
  privileged: boolean;
  decision: string | null;
};

beforeAll(async () => {
  const r = await tenure(['demo', dir, '--json'], { env: { TENURE_NOW: DEMO_NOW } });
  expect(r.code, r.why).toBe(0);
});

describe.sequential('reviews on the demo', () => {
  let id: string;
  let mine: Item[];
  let reviewer: string;

  it('creates from a JSON file and launches', async () => {
    const file = join(tmp.dir, 'campaign.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'Finance ERP Q4',
        scope: { applications: ['finance-erp'] },
        stages: [{ strategy: 'manager' }],
        due_at: '2026-12-15T00:00:00Z',
        fallback_reviewer: 'E1000',
      }),
    );
    const bad = await cli(['reviews', 'create', '--file', file, '--template', 'x']);
    expect(bad.code, bad.why).toBe(2);
    expect(bad.stderr).toContain('review.invalid');
    const made = await cli(['reviews', 'create', '--file', file, '--json']);
    expect(made.code, made.why).toBe(0);
    id = made.json().id;
    const launched = await cli(['reviews', 'launch', id, '--json']);
    expect(launched.code, launched.why).toBe(0);
    expect(launched.json()).toMatchObject({
      status: 'active',
      snapshot_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const list = await cli(['reviews', 'list', '--json']);
    expect(list.json().map((c: { id: string }) => c.id)).toEqual([id]);
    const shown = await cli(['reviews', 'show', id]);
    expect(shown.code, shown.why).toBe(0);
    expect(shown.stdout).toContain('Finance ERP Q4');
  });

  it("shows a reviewer's inbox and takes their decisions", async () => {
    const all = (await cli(['reviews', 'show', id, '--items', '--json'])).json().items as Item[];
    reviewer = all[0]!.reviewer;
    const created = await cli([
      'users',
      'create',
      'fin-manager',
      '--role',
      'reviewer',
      '--identity',
      reviewer,
      '--json',
    ]);
    expect(created.code, created.why).toBe(0);
    const password = created.json().password as string;
    const inbox = await cli(['reviews', 'inbox', '--reviewer', 'fin-manager', '--json']);
    expect(inbox.code, inbox.why).toBe(0);
    mine = inbox.json();
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((i) => i.reviewer === reviewer)).toBe(true);
    const text = await cli(['reviews', 'inbox', '--reviewer', 'fin-manager']);
    expect(text.stdout).toContain('RECOMMEND');

    const noWhy = await cli([
      'reviews',
      'decide',
      id,
      String(mine[0]!.id),
      '--reviewer',
      'fin-manager',
      '--decision',
      'revoke',
    ]);
    expect(noWhy.code).toBe(2);
    expect(noWhy.stderr).toContain('review.justification_required');
    const ids = mine.map((i) => String(i.id));
    const ok = await cli([
      'reviews',
      'decide',
      id,
      ...ids,
      '--reviewer',
      'fin-manager',
      '--decision',
      'approve',
      '--justification',
      'still in the finance team',
      '--json',
    ]);
    expect(ok.code, ok.why).toBe(0);
    expect(ok.json().every((i: Item) => i.decision === 'approve')).toBe(true);

    const wrong = await cli(['reviews', 'signoff', id, '--user', 'fin-manager'], {
      TENURE_PASSWORD: 'nope',
    });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('review.reauth_failed');
    const signed = await cli(['reviews', 'signoff', id, '--user', 'fin-manager', '--json'], {
      TENURE_PASSWORD: password,
    });
    expect(signed.code, signed.why).toBe(0);
    expect(signed.json()).toMatchObject({ items: mine.length, method: 'password', reviewer });
  });

  it('closes: the rest take the no-response default', async () => {
    const closed = await cli(['reviews', 'close', id, '--json']);
    expect(closed.code, closed.why).toBe(0);
    expect(closed.json()).toMatchObject({ status: 'completed' });
    const after = (await cli(['reviews', 'show', id, '--items', '--json'])).json().items as Item[];
    expect(after.every((i) => i.decision !== null)).toBe(true);
    const late = await cli([
      'reviews',
      'decide',
      id,
      String(mine[0]!.id),
      '--reviewer',
      'fin-manager',
      '--decision',
      'approve',
      '--justification',
      'x',
    ]);
    expect(late.stderr).toContain('review.closed');
  });
});
