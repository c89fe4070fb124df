/**
 * scripts/test-summary.mjs, the test command's closing line: the passes' counts summed, and every
 * way a pass can break without a failing test (no report, no test ran, a file that did not load)
 * counted as a failure. The reports have the shape vitest's JSON reporter writes.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_DIR, tempDir } from '../cli/run-cli.js';

const SCRIPT = join(REPO_DIR, 'scripts/test-summary.mjs');
const STATIC = join(REPO_DIR, 'scripts/static-report.mjs');
const tmp = tempDir('summary');
afterAll(tmp.cleanup);

type Assertion = { title: string; status: 'passed' | 'failed' | 'skipped' };
type FileResult = { name: string; status: 'passed' | 'failed'; assertionResults: Assertion[] };

/** A vitest JSON report of these files, written to `<tmp>/<name>.json`. */
function report(name: string, files: FileResult[]): string {
  const tests = files.flatMap((f) => f.assertionResults);
  const count = (s: Assertion['status']) => tests.filter((t) => t.status === s).length;
  const file = join(tmp.dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      numTotalTests: tests.length,
      numPassedTests: count('passed'),
      numFailedTests: count('failed'),
      numPendingTests: count('skipped'),
      success: files.every((f) => f.status === 'passed'),
      testResults: files,
    }),
  );
  return file;
}

const passing = (name: string, n: number): FileResult => ({
  name,
  status: 'passed',
  assertionResults: Array.from({ length: n }, (_, i) => ({ title: `t${i}`, status: 'passed' })),
});

function summary(...files: string[]): { line: string; code: number; stderr: string } {
  try {
    const out = execFileSync(process.execPath, [SCRIPT, ...files], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { line: out, code: 0, stderr: '' };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; status: number };
    return { line: err.stdout, code: err.status, stderr: err.stderr };
  }
}

describe('test-summary.mjs', () => {
  it('sums the passes into one plain closing line and exits 0 when all is green', () => {
    const node20 = report('green-20', [passing('a.test.ts', 3), passing('b.test.ts', 2)]);
    const node24 = report('green-24', [passing('a.test.ts', 4)]);
    expect(summary(node20, node24)).toEqual({ line: '9 passed, 0 failed\n', code: 0, stderr: '' });
  });

  it('adds the failed tests of each pass and exits 1', () => {
    const node20 = report('red-20', [
      passing('a.test.ts', 2),
      {
        name: 'b.test.ts',
        status: 'failed',
        assertionResults: [
          { title: 'ok', status: 'passed' },
          { title: 'bad', status: 'failed' },
        ],
      },
    ]);
    const node24 = report('red-24', [
      { name: 'c.test.ts', status: 'failed', assertionResults: [{ title: 'x', status: 'failed' }] },
    ]);
    const r = summary(node20, node24);
    expect(r).toMatchObject({ line: '3 passed, 2 failed\n', code: 1 });
  });

  it('counts a missing report as one failure, naming the file', () => {
    const node20 = report('only-20', [passing('a.test.ts', 5)]);
    const missing = join(tmp.dir, 'never-written.json');
    const r = summary(node20, missing);
    expect(r).toMatchObject({ line: '5 passed, 1 failed\n', code: 1 });
    expect(r.stderr).toContain(`${missing}: no readable report`);
  });

  it('counts an unreadable report as one failure', () => {
    const half = join(tmp.dir, 'half.json');
    writeFileSync(half, '{"numPassedTests": 3, "testRes');
    expect(summary(half)).toMatchObject({ line: '0 passed, 1 failed\n', code: 1 });
  });

  it('counts a file that failed outside its tests (did not load, a hook threw) as one failure each', () => {
    const r = summary(
      report('broken', [
        passing('a.test.ts', 2),
        { name: 'does-not-load.test.ts', status: 'failed', assertionResults: [] },
        {
          name: 'hook-threw.test.ts',
          status: 'failed',
          assertionResults: [{ title: 'never ran', status: 'skipped' }],
        },
      ]),
    );
    expect(r).toMatchObject({ line: '2 passed, 2 failed\n', code: 1 });
    expect(r.stderr).toContain('does-not-load.test.ts failed outside its tests');
    expect(r.stderr).toContain('hook-threw.test.ts failed outside its tests');
  });

  it('counts a pass that ran no test as one failure', () => {
    const r = summary(report('green', [passing('a.test.ts', 1)]), report('empty', []));
    expect(r).toMatchObject({ line: '1 passed, 1 failed\n', code: 1 });
    expect(r.stderr).toContain('empty.json: ran no test');
  });

  it('counts the static checks (type check, lint) as one test each', () => {
    const out = join(tmp.dir, 'static.json');
    const write = (...checks: string[]) => {
      try {
        execFileSync(process.execPath, [STATIC, out, ...checks], { stdio: 'pipe' });
        return 0;
      } catch (e) {
        return (e as { status: number }).status;
      }
    };
    expect(write('type check=0', 'lint=0')).toBe(0);
    expect(summary(out)).toMatchObject({ line: '2 passed, 0 failed\n', code: 0 });
    expect(write('type check=2', 'lint=0')).toBe(1);
    const r = summary(out, report('suite', [passing('a.test.ts', 3)]));
    expect(r).toMatchObject({ line: '4 passed, 1 failed\n', code: 1 });
  });

  it('refuses to be called without a report', () => {
    expect(summary()).toMatchObject({ line: '', code: 2 });
  });
});
