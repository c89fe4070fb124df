/** Tests: every lifecycle transition, including DST edges and the leaver at local midnight. */
import { describe, expect, it } from 'vitest';
import {
  advanceTime,
  detectLifecycle,
  effectiveStatus,
  type LifecycleSettings,
  markMissing,
  provisionFrom,
} from './lifecycle.js';
import { hr, identity, settings } from './test-fixtures.js';
import type { HrRecord, Identity } from './types.js';

const at = (s: string): Date => new Date(s);
const detect = (prev: Identity | undefined, rec: HrRecord, now: string, s = settings) =>
  detectLifecycle(prev, rec, at(now), s, 'hr');

describe('effectiveStatus', () => {
  it('derives status from HR status and dates in the org time zone', () => {
    const now = at('2024-05-01T12:00:00Z');
    expect(effectiveStatus(hr(), now, settings)).toBe('active');
    expect(effectiveStatus(hr({ status: 'leave' }), now, settings)).toBe('leave');
    expect(effectiveStatus(hr({ status: 'terminated' }), now, settings)).toBe('terminated');
    expect(effectiveStatus(hr({ start_date: '2024-05-02' }), now, settings)).toBe('pre-hire');
    expect(effectiveStatus(hr({ end_date: '2024-04-30' }), now, settings)).toBe('terminated');
    expect(effectiveStatus(hr({ end_date: '2024-05-01' }), now, settings)).toBe('active');
  });

  it('a scheduled leaver goes exactly at local midnight after the end date', () => {
    const rec = hr({ end_date: '2024-10-26' }); // Paris midnight 10-27 = 2024-10-26T22:00Z
    const edge = at('2024-10-26T22:00:00.000Z');
    expect(effectiveStatus(rec, new Date(edge.getTime() - 1), settings)).toBe('active');
    expect(effectiveStatus(rec, edge, settings)).toBe('terminated');
  });

  it('a start date begins at local midnight, DST day included', () => {
    const rec = hr({ start_date: '2024-03-31' }); // Paris, spring forward day
    expect(effectiveStatus(rec, at('2024-03-30T22:59:59.999Z'), settings)).toBe('pre-hire');
    expect(effectiveStatus(rec, at('2024-03-30T23:00:00.000Z'), settings)).toBe('active');
    const la = { ...settings, timeZone: 'America/Los_Angeles' };
    expect(effectiveStatus(rec, at('2024-03-31T06:59:59.999Z'), la)).toBe('pre-hire');
    expect(effectiveStatus(rec, at('2024-03-31T07:00:00.000Z'), la)).toBe('active');
  });

  it('provisionFrom is local midnight prehireDays before the start', () => {
    expect(provisionFrom(hr({ start_date: '2024-04-02' }), settings).toISOString()).toBe(
      '2024-03-29T23:00:00.000Z',
    );
    const tokyo = { ...settings, timeZone: 'Asia/Tokyo', prehireDays: 0 };
    expect(provisionFrom(hr({ start_date: '2024-04-02' }), tokyo).toISOString()).toBe(
      '2024-04-01T15:00:00.000Z',
    );
  });
});

describe('detectLifecycle', () => {
  const now = '2024-05-01T12:00:00Z';

  it('joiner, with updated_at and a fresh identity', () => {
    const { identity: id, events } = detect(undefined, hr(), now);
    expect(events).toEqual([{ kind: 'joiner' }]);
    expect(id).toMatchObject({
      id: 'E1',
      source_id: 'hr',
      status: 'active',
      missing_from_source: false,
    });
    expect(id.updated_at).toBe('2024-05-01T12:00:00.000Z');
  });

  it('future start: prehire carrying provision_from', () => {
    const { identity: id, events } = detect(undefined, hr({ start_date: '2024-05-10' }), now);
    expect(id.status).toBe('pre-hire');
    expect(events).toEqual([{ kind: 'prehire', provision_from: '2024-05-06T22:00:00.000Z' }]);
  });

  it('new identity already on leave or already gone', () => {
    expect(detect(undefined, hr({ status: 'leave' }), now).events).toEqual([
      { kind: 'joiner' },
      { kind: 'leave_start' },
    ]);
    expect(detect(undefined, hr({ status: 'terminated' }), now).events).toEqual([]);
  });

  it('no events when nothing changed', () => {
    const prev = detect(undefined, hr(), now).identity;
    expect(detect(prev, hr(), '2024-05-02T00:00:00Z').events).toEqual([]);
  });

  it('mover lists exactly the mover fields; other fields are attributes_changed', () => {
    const prev = identity();
    const rec = hr({ department: 'Sales', manager_id: 'E9', email: 'j@x.com', last_name: 'Roe' });
    expect(detect(prev, rec, now).events).toEqual([
      { kind: 'mover', changed: ['department', 'manager_id'] },
      { kind: 'attributes_changed', changed: ['last_name', 'email'] },
    ]);
  });

  it('start: pre-hire becomes active as time passes', () => {
    const prev = identity({ start_date: '2024-05-01' }, 'pre-hire');
    expect(detect(prev, hr({ start_date: '2024-05-01' }), now).events).toEqual([{ kind: 'start' }]);
  });

  it('leaver by HR status and by end date', () => {
    expect(detect(identity(), hr({ status: 'terminated' }), now).events).toEqual([
      { kind: 'leaver', reason: 'terminated' },
    ]);
    const { identity: id, events } = detect(identity(), hr({ end_date: '2024-04-30' }), now);
    expect(id.status).toBe('terminated');
    expect(events).toEqual([{ kind: 'leaver', reason: 'end_date' }]);
  });

  it('scheduled leaver on a new or changed future end date, once', () => {
    const rec = hr({ end_date: '2024-06-30' });
    const first = detect(identity(), rec, now);
    expect(first.events).toEqual([{ kind: 'scheduled_leaver', at: '2024-06-30T22:00:00.000Z' }]);
    expect(detect(first.identity, rec, now).events).toEqual([]);
    const moved = detect(first.identity, hr({ end_date: '2024-07-31' }), now);
    expect(moved.events).toEqual([{ kind: 'scheduled_leaver', at: '2024-07-31T22:00:00.000Z' }]);
    const cancelled = detect(moved.identity, hr(), now);
    expect(cancelled.events).toEqual([{ kind: 'attributes_changed', changed: ['end_date'] }]);
  });

  it('rehire, even with a new department: not a mover', () => {
    const prev = identity({ status: 'terminated', end_date: '2023-12-31' }, 'terminated');
    const rec = hr({ department: 'Sales', start_date: '2024-04-15' });
    const { identity: id, events } = detect(prev, rec, now);
    expect(id.status).toBe('active');
    expect(events.map((e) => e.kind)).toEqual(['rehire', 'attributes_changed']);
    expect(events.some((e) => e.kind === 'mover')).toBe(false);
  });

  it('rehire into a future start is pre-hire', () => {
    const prev = identity({ status: 'terminated' }, 'terminated');
    const { identity: id, events } = detect(prev, hr({ start_date: '2024-06-01' }), now);
    expect(id.status).toBe('pre-hire');
    expect(events[0]).toEqual({ kind: 'rehire' });
  });

  it('leave start and end', () => {
    const onLeave = detect(identity(), hr({ status: 'leave' }), now);
    expect(onLeave.events).toEqual([{ kind: 'leave_start' }]);
    expect(detect(onLeave.identity, hr(), now).events).toEqual([{ kind: 'leave_end' }]);
  });

  it('returned to source', () => {
    const prev = identity({}, 'active', { missing_from_source: true });
    const { identity: id, events } = detect(prev, hr(), now);
    expect(events).toEqual([{ kind: 'returned_to_source' }]);
    expect(id.missing_from_source).toBe(false);
  });
});

describe('advanceTime', () => {
  it('fires a scheduled leaver at the local midnight, not a millisecond earlier', () => {
    const prev = detect(undefined, hr({ end_date: '2024-03-30' }), '2024-03-01T00:00:00Z').identity;
    // Paris: 2024-03-31 00:00 CET = 2024-03-30T23:00Z (the DST jump happens later that night).
    const before = advanceTime(prev, at('2024-03-30T22:59:59.999Z'), settings);
    expect(before.identity.status).toBe('active');
    expect(before.events).toEqual([]);
    const after = advanceTime(prev, at('2024-03-30T23:00:00.000Z'), settings);
    expect(after.identity.status).toBe('terminated');
    expect(after.events).toEqual([{ kind: 'leaver', reason: 'end_date' }]);
  });

  it('starts a pre-hire (Tokyo, Kiritimati)', () => {
    for (const [timeZone, edge] of [
      ['Asia/Tokyo', '2024-05-09T15:00:00.000Z'],
      ['Pacific/Kiritimati', '2024-05-09T10:00:00.000Z'],
    ] as const) {
      const s = { ...settings, timeZone };
      const prev = detectLifecycle(undefined, hr({ start_date: '2024-05-10' }), at(edge), s, 'hr');
      expect(prev.identity.status).toBe('active');
      const early = new Date(at(edge).getTime() - 1);
      const pre = detectLifecycle(undefined, hr({ start_date: '2024-05-10' }), early, s, 'hr');
      expect(pre.identity.status).toBe('pre-hire');
      expect(advanceTime(pre.identity, at(edge), s).events).toEqual([{ kind: 'start' }]);
    }
  });

  it('keeps the missing flag and never revives a terminated missing identity', () => {
    const held = identity({}, 'active', { missing_from_source: true });
    const res = advanceTime(held, at('2024-05-01T00:00:00Z'), settings);
    expect(res.identity.missing_from_source).toBe(true);
    expect(res.events).toEqual([]);
    const term: LifecycleSettings = { ...settings, missingFromSource: 'terminate' };
    const gone = markMissing(identity(), at('2024-05-01T00:00:00Z'), term).identity;
    const later = advanceTime(gone, at('2024-06-01T00:00:00Z'), term);
    expect(later.identity.status).toBe('terminated');
    expect(later.events).toEqual([]);
  });
});

describe('markMissing', () => {
  const now = at('2024-05-01T00:00:00Z');

  it('hold: flags, status unchanged, emits once', () => {
    const first = markMissing(identity(), now, settings);
    expect(first.identity).toMatchObject({ status: 'active', missing_from_source: true });
    expect(first.events).toEqual([{ kind: 'missing_from_source' }]);
    expect(markMissing(first.identity, now, settings).events).toEqual([]);
  });

  it('terminate: leaver with reason missing_from_source, once', () => {
    const s: LifecycleSettings = { ...settings, missingFromSource: 'terminate' };
    const first = markMissing(identity(), now, s);
    expect(first.identity.status).toBe('terminated');
    expect(first.events).toEqual([
      { kind: 'missing_from_source' },
      { kind: 'leaver', reason: 'missing_from_source' },
    ]);
    expect(markMissing(first.identity, now, s).events).toEqual([]);
    const back = detectLifecycle(first.identity, hr(), now, s, 'hr');
    expect(back.events).toEqual([{ kind: 'returned_to_source' }, { kind: 'rehire' }]);
  });
});
