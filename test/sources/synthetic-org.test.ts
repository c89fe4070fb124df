/** The benchmark's synthetic organisation: deterministic, fast, and valid for the parser. */
import { describe, expect, it } from 'vitest';
import { syntheticOrg, toCsv } from '../../bench/synthetic-org.js';
import { parseHrSnapshot } from '../../src/sources/file/index.js';

describe('syntheticOrg', () => {
  it('is deterministic per seed and parses back identical with no rejections or warnings', () => {
    const org = syntheticOrg(2000, 7);
    expect(syntheticOrg(2000, 7)).toEqual(org);
    expect(syntheticOrg(2000, 8)).not.toEqual(org);
    const r = parseHrSnapshot(toCsv(org));
    expect(r.rejected).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.records.map((x) => x.record)).toEqual(org);
    expect(new Set(org.map((p) => p.department)).size).toBeGreaterThanOrEqual(12);
  });

  it('builds 100,000 people in under a second', () => {
    const t0 = performance.now();
    expect(syntheticOrg(100_000)).toHaveLength(100_000);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
