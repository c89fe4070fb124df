import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliClock } from '../context.js';
import { claimDemoDir, DEMO_MARKER, DEMO_TODAY, demoClock } from './demo-dir.js';

const root = mkdtempSync(join(tmpdir(), 'tenure-demo-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("a demo workspace's clock", () => {
  it('is recorded in the marker, and commands on the workspace run at it', () => {
    const dir = join(root, 'demo');
    claimDemoDir(dir, new Date(DEMO_TODAY));
    expect(readFileSync(join(dir, DEMO_MARKER), 'utf8')).toMatch(
      /^clock: 2026-11-26T10:00:00\.000Z$/m,
    );
    expect(demoClock(dir)?.toISOString()).toBe(DEMO_TODAY);
    expect(cliClock({}, dir)().toISOString()).toBe(DEMO_TODAY);
    // TENURE_NOW still wins: rehearsing a later day on the demo.
    expect(cliClock({ TENURE_NOW: '2027-01-30T00:00:00Z' }, dir)().toISOString()).toBe(
      '2027-01-30T00:00:00.000Z',
    );
  });

  it('is the real clock elsewhere, and for a marker without a clock line', () => {
    const old = join(root, 'old-demo');
    mkdirSync(old);
    writeFileSync(join(old, DEMO_MARKER), 'This directory was made by "tenure demo".\n');
    for (const dir of [old, join(root, 'no-such-dir')]) {
      expect(demoClock(dir)).toBeUndefined();
      const before = Date.now();
      expect(cliClock({}, dir)().getTime()).toBeGreaterThanOrEqual(before);
    }
  });

  it('that is no timestamp is an error naming the file and the line', () => {
    const dir = join(root, 'bad');
    mkdirSync(dir);
    writeFileSync(join(dir, DEMO_MARKER), 'made by "tenure demo"\nclock: yesterday\n');
    expect(() => demoClock(dir)).toThrow(
      `${join(dir, DEMO_MARKER)}: "clock: yesterday" is not an ISO timestamp`,
    );
  });
});
