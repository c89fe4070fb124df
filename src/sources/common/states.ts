/**
 * Vendor employment states to Tenure's HR status and end date, the same way for every HR system.
 * Pure. The rules (docs/hr-sources.md#states):
 * - a termination date before the start date belongs to an earlier employment (a rehire): ignored;
 * - a termination dated today or later is a scheduled leaver: still `active` (or `leave`) with
 *   `end_date`, so access ends at the end of that day in the organisation's time zone;
 * - a termination dated before today (retroactive or just effective) is `terminated`;
 * - an inactive record whose start date is in the future is a future hire, not a leaver.
 */
import type { HrStatus } from '../../domain/types.js';
import { isIso } from './values.js';

export type StateInput = {
  /** The vendor says the employment ended (status "Terminated", lifecycle "terminated" …). */
  terminated: boolean;
  /** The vendor's record is inactive (BambooHR status, HiBob internal.status, Workday Active=0). */
  inactive: boolean;
  /** The vendor says leave of absence. */
  leave: boolean;
  /** Start of the current employment (hire or rehire date), ISO when valid. */
  start: string | undefined;
  termination: string | undefined;
  /** Today in the organisation's time zone (ISO date). */
  today: string;
};

export type StateOutput = { status: HrStatus; end_date: string | undefined };

export function resolveState(i: StateInput): StateOutput {
  const validStart = isIso(i.start);
  // Malformed dates pass through: record validation rejects them and names the value.
  const end =
    i.termination !== undefined && isIso(i.termination) && validStart && i.termination < i.start!
      ? undefined
      : i.termination;
  const futureHire = validStart && i.start! > i.today && end === undefined;
  const gone = i.terminated || (i.inactive && !futureHire);
  const working: HrStatus = i.leave ? 'leave' : 'active';
  if (!gone) return { status: working, end_date: end };
  if (end !== undefined && isIso(end) && end >= i.today) return { status: working, end_date: end };
  return { status: 'terminated', end_date: end };
}
