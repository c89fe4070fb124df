import { describe, expect, it } from 'vitest';
import { redactUrl } from './log-url.js';

describe('redactUrl', () => {
  it('keeps the path and filter values, redacts every other value', () => {
    expect(redactUrl('/api/v1/identities?status=terminated&limit=5')).toBe(
      '/api/v1/identities?status=terminated&limit=5',
    );
    expect(redactUrl('/api/v1/me?access_token=tnr_secret&limit=5')).toBe(
      '/api/v1/me?access_token=[redacted]&limit=5',
    );
    expect(redactUrl('/api/v1/auth/oidc/callback?code=abc&state=xyz')).toBe(
      '/api/v1/auth/oidc/callback?code=[redacted]&state=[redacted]',
    );
  });

  it('handles no query, an empty query, bare names, and huge URLs', () => {
    expect(redactUrl('/healthz')).toBe('/healthz');
    expect(redactUrl('/healthz?')).toBe('/healthz');
    expect(redactUrl('/x?flag&&token=1')).toBe('/x?flag&token=[redacted]');
    expect(redactUrl(`/x?limit=${'9'.repeat(5000)}`)).toHaveLength(2048);
  });
});
