/** A run whose export cannot be written: every failure is listed, or the first 20 and how many more. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor, DEMO_NOW, initWorkspace, tempDir } from './run-cli.js';

const tmp = tempDir('run-failures');
afterAll(tmp.cleanup);
const dir = join(tmp.dir, 'w');
const cli = cliFor(dir, { TENURE_NOW: DEMO_NOW });
const FAILED = /^ {2}failed: github /;

beforeAll(() => {
  initWorkspace(dir);
  // A directory where the GitHub export file should be: every GitHub operation fails.
  mkdirSync(join(dir, 'out', 'github.csv'), { recursive: true });
});

describe('run failures', () => {
  it('apply lists the first 20 failures and says how many more; --all lists every one', async () => {
    const imported = await cli(['import']);
    expect(imported.code, imported.why).toBe(0);
    const cut = await cli(['apply']);
    expect(cut.code, cut.why).toBe(5);
    const failed = Number(/, (\d+) failed,/.exec(cut.stdout)?.[1]);
    expect(failed).toBeGreaterThan(20);
    const lines = cut.stdout.split('\n');
    expect(lines.filter((l) => FAILED.test(l))).toHaveLength(20);
    expect(cut.stdout).toContain(`  … and ${failed - 20} more failures (use --all or --json)\n`);

    // Nothing of GitHub was written, so the next run plans and fails the same operations.
    const all = await cli(['apply', '--all']);
    expect(all.code, all.why).toBe(5);
    expect(all.stdout.split('\n').filter((l) => FAILED.test(l))).toHaveLength(failed);
    expect(all.stdout).not.toContain('more failures');
  });
});
