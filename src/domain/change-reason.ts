/** Why a person's access changes, in words: the plan's per-person headline and the reason of a leaver's or mover's removals. */
import { displayName } from './attributes.js';
import { localDate } from './calendar.js';
import type { HrRecord, Identity, MoverField } from './types.js';
import { MOVER_FIELDS } from './types.js';

/** What is known about one identity's latest change. */
export type ChangeContext = {
  identity: Identity;
  /** Lifecycle event kinds that explain the plan, e.g. `['mover']`, `['leaver']`, `['reconcile']`. */
  events: readonly string[];
  /** The HR record before the change, when history has it (needed to say "Sales → Engineering"). */
  previous?: HrRecord;
  /** When the change was recorded (ISO timestamp), when known. */
  at?: string;
  timeZone: string;
};

export type ChangeExplanation = {
  name: string;
  /** One line per person, e.g. `mover: Sales → Engineering on 2026-12-01`. */
  headline: string;
  /**
   * The reason to give removals no policy justifies any more because of this change, e.g.
   * `leaver: terminated 2026-11-27`, `mover: no longer in Sales`. Absent when the change explains no
   * removal: such removals are drift and keep `unjustified`.
   */
  removal?: string;
};

const when = (c: ChangeContext): string | undefined =>
  c.at === undefined ? undefined : localDate(new Date(c.at), c.timeZone);

/** The mover fields that differ from `previous` (all of them unknown without it). */
const moved = (c: ChangeContext): MoverField[] =>
  c.previous === undefined
    ? []
    : MOVER_FIELDS.filter((f) => c.previous![f] !== c.identity.attributes[f]);

const show = (v: string | null): string => (v === null || v === '' ? '(none)' : v);

function moverHeadline(c: ChangeContext): string {
  const parts = moved(c).map((f) => {
    const arrow = `${show(c.previous![f])} → ${show(c.identity.attributes[f])}`;
    return f === 'department' ? arrow : `${f.replace('_id', '')} ${arrow}`;
  });
  const on = when(c);
  return `mover: ${parts.length > 0 ? parts.join(', ') : 'changed role'}${on ? ` on ${on}` : ''}`;
}

const NO_LONGER: Record<MoverField, string> = {
  department: 'in',
  title: '',
  manager_id: 'reporting to',
  location: 'at',
  employment_type: '',
};

/** Policies mostly follow the department: when it changed, it alone says why access goes. */
function moverRemoval(c: ChangeContext): string {
  const fields = moved(c);
  const why = fields.includes('department') ? (['department'] as const) : fields;
  const parts = why.map((f) => {
    const prep = NO_LONGER[f];
    return `${prep ? `${prep} ` : ''}${show(c.previous![f])}`;
  });
  return parts.length > 0 ? `mover: no longer ${parts.join(', ')}` : 'mover: role changed';
}

function leaverHeadline(c: ChangeContext): string {
  const rec = c.identity.attributes;
  if (c.identity.missing_from_source && rec.status !== 'terminated' && rec.end_date === null)
    return 'leaver: missing from the HR source';
  const date = rec.end_date ?? when(c);
  return `leaver: terminated${date ? ` ${date}` : ''}`;
}

const HEADLINES: Record<string, (c: ChangeContext) => string> = {
  joiner: (c) => `joiner: starts ${c.identity.attributes.start_date}`,
  prehire: (c) => `joiner: starts ${c.identity.attributes.start_date} (pre-hire)`,
  start: (c) => `joiner: starts ${c.identity.attributes.start_date}`,
  rehire: (c) => `rehire: starts ${c.identity.attributes.start_date}`,
  leaver: leaverHeadline,
  scheduled_leaver: (c) => `leaver: leaves ${c.identity.attributes.end_date ?? 'soon'}`,
  mover: moverHeadline,
  leave_start: () => 'leave: on leave',
  leave_end: () => 'leave: back from leave',
  attributes_changed: () => 'update: HR attributes changed',
  missing_from_source: () => 'hold: missing from the HR source',
  returned_to_source: () => 'back in the HR source',
  reconcile: () => 'reconcile: bringing accounts back to the desired state',
};

/** Events that say most about the plan come first: a leaver's other events don't matter. */
const PRIORITY = ['leaver', 'rehire', 'joiner', 'prehire', 'start', 'mover'];

/**
 * The headline and removal reason of one identity's change. A terminated identity is a leaver
 * whatever its recorded events say (its removals are for leaving); a mover's removals say what they
 * no longer are. Other events (joiner, leave, drift) explain no removal.
 */
export function explainChange(c: ChangeContext): ChangeExplanation {
  const name = displayName(c.identity.attributes);
  const events = c.identity.status === 'terminated' ? ['leaver'] : c.events;
  const main =
    PRIORITY.find((k) => events.includes(k)) ?? events.find((k) => k in HEADLINES) ?? 'reconcile';
  const headline = HEADLINES[main]!(c);
  if (main === 'leaver') return { name, headline, removal: headline };
  if (main === 'mover') return { name, headline, removal: moverRemoval(c) };
  return { name, headline };
}
