import { describe, expect, it } from 'vitest';
import { resolveState, type StateInput } from './states.js';

const base: StateInput = {
  terminated: false,
  inactive: false,
  leave: false,
  start: '2024-01-15',
  termination: undefined,
  today: '2026-11-26',
};
const state = (over: Partial<StateInput>) => resolveState({ ...base, ...over });

describe('vendor states', () => {
  it('active and on leave', () => {
    expect(state({})).toEqual({ status: 'active', end_date: undefined });
    expect(state({ leave: true })).toEqual({ status: 'leave', end_date: undefined });
  });

  it('a future-dated termination is a scheduled leaver, whatever the vendor status says', () => {
    for (const terminated of [false, true]) {
      expect(state({ terminated, termination: '2026-12-31' })).toEqual({
        status: 'active',
        end_date: '2026-12-31',
      });
    }
    expect(state({ terminated: true, termination: '2026-11-26' }).status).toBe('active');
    expect(state({ terminated: true, leave: true, termination: '2027-01-31' }).status).toBe(
      'leave',
    );
  });

  it('a retroactive termination is terminated, with its date', () => {
    expect(state({ terminated: true, termination: '2026-10-01' })).toEqual({
      status: 'terminated',
      end_date: '2026-10-01',
    });
    expect(state({ inactive: true })).toEqual({ status: 'terminated', end_date: undefined });
  });

  it('keeps a past end date the vendor has not acted on yet: Tenure ends access at that date', () => {
    expect(state({ termination: '2026-11-20' })).toEqual({
      status: 'active',
      end_date: '2026-11-20',
    });
  });

  it('ignores a termination of an earlier employment after a rehire', () => {
    expect(state({ start: '2026-06-01', termination: '2025-12-31' })).toEqual({
      status: 'active',
      end_date: undefined,
    });
  });

  it('an inactive future hire is a pre-hire, not a leaver', () => {
    expect(state({ inactive: true, start: '2027-01-04' })).toEqual({
      status: 'active',
      end_date: undefined,
    });
  });

  it('passes malformed dates through for validation to name', () => {
    expect(state({ terminated: true, termination: '31/12/2026' })).toEqual({
      status: 'terminated',
      end_date: '31/12/2026',
    });
  });
});
