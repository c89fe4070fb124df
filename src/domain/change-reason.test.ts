/** Tests: each person's headline and the reason their removals carry (leaver, mover; none for drift). */
import { describe, expect, it } from 'vitest';
import { explainChange } from './change-reason.js';
import { hr, identity } from './test-fixtures.js';

const timeZone = 'Europe/Paris';

describe('explainChange', () => {
  it('a leaver: terminated on the end date, which is also the reason of every removal', () => {
    const who = identity({ status: 'terminated', end_date: '2026-11-27' }, 'terminated');
    expect(explainChange({ identity: who, events: ['leaver'], timeZone })).toEqual({
      name: 'Jane Doe',
      headline: 'leaver: terminated 2026-11-27',
      removal: 'leaver: terminated 2026-11-27',
    });
  });

  it('a leaver without an end date is dated by when the change was recorded, in the org time zone', () => {
    const who = identity({ status: 'terminated' }, 'terminated');
    const at = '2026-11-26T23:30:00.000Z'; // already the 27th in Paris
    const e = explainChange({ identity: who, events: ['reconcile'], at, timeZone });
    expect(e.headline).toBe('leaver: terminated 2026-11-27');
    expect(e.removal).toBe(e.headline);
  });

  it('a mover: old → new department with the date; removals say what they no longer are', () => {
    const who = identity({ department: 'Engineering', title: 'Engineer' });
    const previous = hr({ department: 'Sales', title: 'Account Executive' });
    const at = '2026-12-01T08:00:00.000Z';
    expect(explainChange({ identity: who, events: ['mover'], previous, at, timeZone })).toEqual({
      name: 'Jane Doe',
      headline: 'mover: Sales → Engineering, title Account Executive → Engineer on 2026-12-01',
      removal: 'mover: no longer in Sales',
    });
  });

  it('a mover within the department: the fields that changed, and a reason without history', () => {
    const who = identity({ location: 'Lyon' });
    const previous = hr({ location: 'Paris' });
    const e = explainChange({ identity: who, events: ['mover'], previous, timeZone });
    expect(e).toMatchObject({
      headline: 'mover: location Paris → Lyon',
      removal: 'mover: no longer at Paris',
    });
    const unknown = explainChange({ identity: who, events: ['mover'], timeZone });
    expect(unknown).toMatchObject({
      headline: 'mover: changed role',
      removal: 'mover: role changed',
    });
  });

  it('joiners, rehires and drift fixes explain no removal (those stay `unjustified`)', () => {
    const joiner = identity({ start_date: '2026-12-03' }, 'pre-hire');
    expect(explainChange({ identity: joiner, events: ['prehire'], timeZone })).toEqual({
      name: 'Jane Doe',
      headline: 'joiner: starts 2026-12-03 (pre-hire)',
    });
    const active = identity({ start_date: '2026-12-03' });
    expect(explainChange({ identity: active, events: ['joiner'], timeZone }).headline).toBe(
      'joiner: starts 2026-12-03',
    );
    expect(explainChange({ identity: active, events: ['rehire', 'mover'], timeZone })).toEqual({
      name: 'Jane Doe',
      headline: 'rehire: starts 2026-12-03',
    });
    const drift = explainChange({ identity: active, events: ['reconcile'], timeZone });
    expect(drift.removal).toBeUndefined();
    expect(drift.headline).toMatch(/^reconcile: /);
  });

  it('a terminated identity is a leaver whatever its last events were; missing from source says so', () => {
    const who = identity({ end_date: '2026-11-20' }, 'terminated');
    expect(explainChange({ identity: who, events: ['mover'], timeZone }).removal).toBe(
      'leaver: terminated 2026-11-20',
    );
    const gone = identity({}, 'terminated', { missing_from_source: true });
    expect(explainChange({ identity: gone, events: ['leaver'], timeZone }).headline).toBe(
      'leaver: missing from the HR source',
    );
  });
});
