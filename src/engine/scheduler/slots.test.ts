import { describe, expect, it } from 'vitest';
import type { ScheduleStateRow } from '../../store/jobs-types.js';
import { nextSlot, planSchedules } from './slots.js';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;
const state = (name: string, next_run_at: string | null): ScheduleStateRow => ({
  name,
  next_run_at,
  last_enqueued_at: null,
  last_job_id: null,
  last_run_at: null,
  last_outcome: null,
  updated_at: '2026-11-26T00:00:00.000Z',
});

describe('nextSlot', () => {
  it('is one interval after now when nothing ran before', () => {
    expect(nextSlot(null, HOUR, at('2026-11-26T09:10:00Z')).toISOString()).toBe(
      '2026-11-26T10:10:00.000Z',
    );
  });

  it('stays on the grid of the previous slot', () => {
    const prev = at('2026-11-26T09:00:00Z');
    expect(nextSlot(prev, HOUR, at('2026-11-26T09:00:00Z')).toISOString()).toBe(
      '2026-11-26T10:00:00.000Z',
    );
    expect(nextSlot(prev, HOUR, at('2026-11-26T09:59:59Z')).toISOString()).toBe(
      '2026-11-26T10:00:00.000Z',
    );
  });

  it('skips the slots missed while nobody was running: fires once, not once per slot', () => {
    const prev = at('2026-11-25T09:00:00Z');
    expect(nextSlot(prev, HOUR, at('2026-11-26T09:30:00Z')).toISOString()).toBe(
      '2026-11-26T10:00:00.000Z',
    );
  });
});

describe('planSchedules', () => {
  const defs = [
    { name: 'import_and_run', everyMs: HOUR },
    { name: 'lifecycle_tick', everyMs: 5 * 60_000 },
  ];
  const now = at('2026-11-26T09:30:00Z');

  it('fires schedules never run, and those whose slot has come', () => {
    const plan = planSchedules(defs, [state('import_and_run', '2026-11-26T09:00:00.000Z')], now);
    expect(plan.fire).toEqual([
      {
        name: 'import_and_run',
        expected: '2026-11-26T09:00:00.000Z',
        due_at: '2026-11-26T09:00:00.000Z',
        next: '2026-11-26T10:00:00.000Z',
      },
      {
        name: 'lifecycle_tick',
        expected: null,
        due_at: '2026-11-26T09:30:00.000Z',
        next: '2026-11-26T09:35:00.000Z',
      },
    ]);
    expect(plan.reschedule).toEqual([]);
  });

  it('leaves future slots alone, and pulls in one beyond a shortened interval', () => {
    const plan = planSchedules(
      defs,
      [
        state('import_and_run', '2026-11-26T10:00:00.000Z'),
        state('lifecycle_tick', '2026-11-26T12:00:00.000Z'),
      ],
      now,
    );
    expect(plan.fire).toEqual([]);
    expect(plan.reschedule).toEqual([
      {
        name: 'lifecycle_tick',
        expected: '2026-11-26T12:00:00.000Z',
        next: '2026-11-26T09:35:00.000Z',
      },
    ]);
  });
});
