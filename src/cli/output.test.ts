/** Tests: colour only on a terminal, and never when NO_COLOR says so. */
import { describe, expect, it } from 'vitest';
import { useColour } from './output.js';

describe('useColour', () => {
  it('is on for a TTY, off for pipes, NO_COLOR (non-empty) and TERM=dumb', () => {
    expect(useColour(true, {})).toBe(true);
    expect(useColour(false, {})).toBe(false);
    expect(useColour(undefined, {})).toBe(false);
    expect(useColour(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColour(true, { NO_COLOR: '' })).toBe(true);
    expect(useColour(true, { TERM: 'dumb' })).toBe(false);
  });
});
