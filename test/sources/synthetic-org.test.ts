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

  it('builds exactly the number of people asked for, each with a distinct employee id', () => {
    const org = syntheticOrg(100_000);
    expect(org).toHaveLength(100_000);
    expect(new Set(org.map((p) => p.employee_id)).size).toBe(100_000);
  });
});
