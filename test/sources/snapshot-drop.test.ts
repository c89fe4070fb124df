/** The snapshot-drop guard. */
import { describe, expect, it } from 'vitest';
import { checkSnapshotDrop } from '../../src/sources/file/index.js';

describe('checkSnapshotDrop', () => {
  it('passes the first import and any growth', () => {
    expect(checkSnapshotDrop(undefined, 5, 0.1)).toEqual({ ok: true });
    expect(checkSnapshotDrop(0, 5, 0.1)).toEqual({ ok: true });
    expect(checkSnapshotDrop(300, 300, 0.1)).toEqual({ ok: true });
    expect(checkSnapshotDrop(300, 450, 0)).toEqual({ ok: true });
  });

  it('allows a drop up to the limit, exactly included', () => {
    expect(checkSnapshotDrop(10, 9, 0.1)).toEqual({ ok: true });
    expect(checkSnapshotDrop(300, 270, 0.1)).toEqual({ ok: true });
    expect(checkSnapshotDrop(1000, 700, 0.3)).toEqual({ ok: true });
  });

  it('halts a larger drop with both counts and the percentage', () => {
    const r = checkSnapshotDrop(300, 250, 0.1);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain('from 300 to 250');
      expect(r.reason).toContain('-16.7 %');
      expect(r.reason).toContain('allowed 10 %');
    }
    expect(checkSnapshotDrop(300, 269, 0.1).ok).toBe(false);
    expect(checkSnapshotDrop(100, 99, 0).ok).toBe(false);
    expect(checkSnapshotDrop(300, 1, 0.1)).toMatchObject({ ok: false });
  });
});
