/** Schedule arithmetic, pure: which schedules are due, and when each fires next. */
import type { ScheduleStateRow } from '../../store/jobs-types.js';

export type ScheduleDef = { name: string; everyMs: number };

export type Firing = {
  name: string;
  /** next_run_at as read: the compare-and-set guard (null: never scheduled). */
  expected: string | null;
  /** The slot being fired. */
  due_at: string;
  next: string;
};

export type Reschedule = { name: string; expected: string; next: string };

/**
 * The first slot after `now` on the grid `prev + k × every` — a server down for a day fires once
 * when it returns, not 24 times, and stays aligned with its old slots.
 */
export function nextSlot(prev: Date | null, everyMs: number, now: Date): Date {
  if (prev === null) return new Date(now.getTime() + everyMs);
  const behind = now.getTime() - prev.getTime();
  const steps = behind < 0 ? 1 : Math.floor(behind / everyMs) + 1;
  return new Date(prev.getTime() + steps * everyMs);
}

/**
 * What the leader does now: fire the due schedules (never run: due at once), and pull in a
 * next_run_at further away than one interval (the interval was shortened in tenure.yaml).
 */
export function planSchedules(
  defs: ScheduleDef[],
  states: ScheduleStateRow[],
  now: Date,
): { fire: Firing[]; reschedule: Reschedule[] } {
  const byName = new Map(states.map((s) => [s.name, s]));
  const fire: Firing[] = [];
  const reschedule: Reschedule[] = [];
  for (const def of defs) {
    const expected = byName.get(def.name)?.next_run_at ?? null;
    const at = expected === null ? null : new Date(expected);
    if (at === null || at.getTime() <= now.getTime()) {
      fire.push({
        name: def.name,
        expected,
        due_at: (at ?? now).toISOString(),
        next: nextSlot(at, def.everyMs, now).toISOString(),
      });
    } else if (at.getTime() > now.getTime() + def.everyMs) {
      reschedule.push({
        name: def.name,
        expected: expected!,
        next: new Date(now.getTime() + def.everyMs).toISOString(),
      });
    }
  }
  return { fire, reschedule };
}
