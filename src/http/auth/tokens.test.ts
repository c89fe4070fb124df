import { describe, expect, it } from 'vitest';
import { parseDuration, tokenState } from './tokens.js';

describe('parseDuration', () => {
  it('reads minutes, hours and days', () => {
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(parseDuration('366d')).toBe(366 * 86_400_000);
  });
  it.each(['', '30', 'd', '0d', '367d', '1w', '-1d', '1.5d', 'never'])('refuses "%s"', (text) =>
    expect(() => parseDuration(text)).toThrow(
      expect.objectContaining({ code: 'token.bad_expiry' }),
    ),
  );
});

describe('tokenState', () => {
  const row = { revoked_at: null as string | null, expires_at: '2026-01-02T00:00:00.000Z' };
  it('active until expiry, then expired; revoked wins', () => {
    expect(tokenState(row as never, new Date('2026-01-01T00:00:00Z'))).toBe('active');
    expect(tokenState(row as never, new Date('2026-01-02T00:00:00Z'))).toBe('expired');
    expect(
      tokenState({ ...row, revoked_at: '2025-12-31T00:00:00Z' } as never, new Date('2026-01-01')),
    ).toBe('revoked');
  });
});
