import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../domain/error-codes.js';
import { statusFor } from './errors.js';

describe('statusFor', () => {
  it.each<[ErrorCode, number]>([
    ['auth.unauthenticated', 401],
    ['auth.token_expired', 401],
    ['auth.forbidden', 403],
    ['auth.csrf', 403],
    ['auth.throttled', 429],
    ['request.body_too_large', 413],
    ['request.bad_filename', 400],
    ['identity.not_found', 404],
    ['run.not_found', 404],
    ['run.not_held', 409],
    ['task.already_closed', 409],
    ['task.evidence_required', 400],
    ['user.exists', 409],
    ['hr.missing_columns', 422],
    ['service.unavailable', 503],
    ['store.disk_full', 507],
    ['agent.not_found', 404],
    ['agent.already_revoked', 409],
    ['webhook.unknown_source', 404],
    ['hr.vendor_unavailable', 503],
  ])('%s -> %i', (code, status) => expect(statusFor(code)).toBe(status));

  it('operator-only codes (store, config, workspace) are not shown to clients', () => {
    for (const code of ['store.unreachable', 'config.invalid', 'workspace.not_found'] as const)
      expect(statusFor(code)).toBeUndefined();
  });
});
