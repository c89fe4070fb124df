/** Joiner/mover/leaver detection: effective status from HR data and dates, and the events between two states. */
import {
  addDays,
  endOfLocalDay,
  endOfLocalDayMs,
  startOfLocalDay,
  startOfLocalDayMs,
} from './calendar.js';
import type {
  HrField,
  HrRecord,
  Identity,
  IdentityStatus,
  LifecycleEvent,
  MoverField,
} from './types.js';
import { HR_FIELDS, MOVER_FIELDS } from './types.js';

export type LifecycleSettings = {
  timeZone: string;
  prehireDays: number;
  leave: 'keep' | 'disable';
  missingFromSource: 'hold' | 'terminate';
};

export type LifecycleResult = { identity: Identity; events: LifecycleEvent[] };

/** Status at `now`: HR status, corrected by start/end dates read in the organisation's time zone. */
export function effectiveStatus(
  rec: HrRecord,
  now: Date,
  s: Pick<LifecycleSettings, 'timeZone'>,
): IdentityStatus {
  if (rec.status === 'terminated') return 'terminated';
  const t = now.getTime();
  if (rec.end_date !== null && t >= endOfLocalDayMs(rec.end_date, s.timeZone)) return 'terminated';
  if (t < startOfLocalDayMs(rec.start_date, s.timeZone)) return 'pre-hire';
  return rec.status === 'leave' ? 'leave' : 'active';
}

/** When a pre-hire's accounts may be created: local midnight `prehireDays` before the start date. */
export function provisionFrom(
  rec: HrRecord,
  s: Pick<LifecycleSettings, 'timeZone' | 'prehireDays'>,
): Date {
  return startOfLocalDay(addDays(rec.start_date, -s.prehireDays), s.timeZone);
}

/** Events caused by the status moving from `from` (undefined: first seen) to `to`. */
function statusEvents(
  from: IdentityStatus | undefined,
  to: IdentityStatus,
  rec: HrRecord,
  s: LifecycleSettings,
): LifecycleEvent[] {
  if (from === to) return [];
  const prehire = (): LifecycleEvent => ({
    kind: 'prehire',
    provision_from: provisionFrom(rec, s).toISOString(),
  });
  if (to === 'terminated') {
    // First seen already gone (e.g. historic rows of an initial import): nothing to undo.
    if (from === undefined) return [];
    return [{ kind: 'leaver', reason: rec.status === 'terminated' ? 'terminated' : 'end_date' }];
  }
  const onLeave: LifecycleEvent[] = to === 'leave' ? [{ kind: 'leave_start' }] : [];
  if (from === undefined) return to === 'pre-hire' ? [prehire()] : [{ kind: 'joiner' }, ...onLeave];
  if (from === 'terminated') return [{ kind: 'rehire' }, ...onLeave];
  if (to === 'pre-hire') return [prehire()]; // start date moved later
  if (from === 'pre-hire') return [{ kind: 'start' }, ...onLeave];
  return to === 'leave' ? onLeave : [{ kind: 'leave_end' }];
}

function isFutureEnd(rec: HrRecord, now: Date, s: LifecycleSettings): boolean {
  return rec.end_date !== null && endOfLocalDayMs(rec.end_date, s.timeZone) > now.getTime();
}

/**
 * Compares a stored identity with a fresh HR record at `now` and returns the new identity and
 * what happened. Mover applies only between two non-terminated states (a rehire in a new
 * department is a rehire); other changed fields, and mover fields around a leave/rehire, are
 * reported as `attributes_changed`. `status` changes surface as status events instead.
 */
export function detectLifecycle(
  prev: Identity | undefined,
  rec: HrRecord,
  now: Date,
  s: LifecycleSettings,
  sourceId: string,
): LifecycleResult {
  const status = effectiveStatus(rec, now, s);
  const identity: Identity = {
    id: rec.employee_id,
    source_id: sourceId,
    attributes: rec,
    status,
    missing_from_source: false,
    updated_at: now.toISOString(),
  };
  const events: LifecycleEvent[] = [];
  if (prev?.missing_from_source) events.push({ kind: 'returned_to_source' });
  events.push(...statusEvents(prev?.status, status, rec, s));

  const endChanged = prev === undefined || prev.attributes.end_date !== rec.end_date;
  const scheduled = status !== 'terminated' && endChanged && isFutureEnd(rec, now, s);
  if (prev !== undefined) {
    const before = prev.attributes;
    const changed = HR_FIELDS.filter(
      (f) => f !== 'employee_id' && f !== 'status' && before[f] !== rec[f],
    );
    const moverOk = prev.status !== 'terminated' && status !== 'terminated';
    const isMover = (f: HrField): f is MoverField =>
      moverOk && (MOVER_FIELDS as readonly string[]).includes(f);
    const mover = changed.filter(isMover);
    // An end date that produced a scheduled_leaver/leaver event is explained by it.
    const explained = scheduled || events.some((e) => e.kind === 'leaver');
    const other = changed.filter((f) => !isMover(f) && !(f === 'end_date' && explained));
    if (mover.length > 0) events.push({ kind: 'mover', changed: mover });
    if (other.length > 0) events.push({ kind: 'attributes_changed', changed: other });
  }
  if (scheduled && rec.end_date !== null) {
    events.push({
      kind: 'scheduled_leaver',
      at: endOfLocalDay(rec.end_date, s.timeZone).toISOString(),
    });
  }
  return { identity, events };
}

/** Re-evaluates a stored identity at `now` without new HR data: scheduled leavers fire, pre-hires start. */
export function advanceTime(prev: Identity, now: Date, s: LifecycleSettings): LifecycleResult {
  if (
    prev.missing_from_source &&
    (s.missingFromSource === 'terminate' || prev.status === 'terminated')
  ) {
    // Gone from the source: stale HR data must not revive them; only their return (detectLifecycle) can.
    return { identity: { ...prev, updated_at: now.toISOString() }, events: [] };
  }
  const res = detectLifecycle(
    { ...prev, missing_from_source: false },
    prev.attributes,
    now,
    s,
    prev.source_id,
  );
  return {
    identity: { ...res.identity, missing_from_source: prev.missing_from_source },
    events: res.events,
  };
}

/** Flags an identity absent from a full snapshot; with `terminate`, it also becomes a leaver. Emits once. */
export function markMissing(prev: Identity, now: Date, s: LifecycleSettings): LifecycleResult {
  if (prev.missing_from_source) return { identity: prev, events: [] };
  const events: LifecycleEvent[] = [{ kind: 'missing_from_source' }];
  let status = prev.status;
  if (s.missingFromSource === 'terminate' && status !== 'terminated') {
    status = 'terminated';
    events.push({ kind: 'leaver', reason: 'missing_from_source' });
  }
  return {
    identity: { ...prev, status, missing_from_source: true, updated_at: now.toISOString() },
    events,
  };
}
