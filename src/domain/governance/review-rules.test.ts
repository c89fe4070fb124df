/** Reasons, justification requirements, no-response defaults and stage advance. */
import { describe, expect, it } from 'vitest';
import {
  advancesToNextStage,
  effectiveDecision,
  itemReason,
  justificationRequired,
  noResponseDecision,
} from './review-rules.js';

describe('itemReason', () => {
  it('prefers a policy, then a request, exception, manual; nothing is drift', () => {
    expect(itemReason(['request:r1', 'birthright:eng'])).toMatchObject({
      kind: 'birthright',
      ref: 'eng',
    });
    expect(itemReason(['exception:x9'])).toMatchObject({ kind: 'exception', ref: 'x9' });
    expect(itemReason(['manual'])).toMatchObject({ kind: 'manual', ref: null });
    expect(itemReason([])).toEqual({ kind: 'none', ref: null, all: [] });
  });
});

describe('justificationRequired', () => {
  const plain = { privileged: false, reason_kind: 'birthright' as const };
  it('revoke and modify always; approve only for privileged or unjustified access', () => {
    expect(justificationRequired('revoke', plain)).toBe('revoke');
    expect(justificationRequired('modify', plain)).toBe('revoke');
    expect(justificationRequired('approve', plain)).toBeNull();
    expect(justificationRequired('approve', { ...plain, privileged: true })).toBe('privileged');
    expect(justificationRequired('approve', { ...plain, reason_kind: 'none' })).toBe('unjustified');
    expect(justificationRequired('reassign', plain)).toBe('reassign');
    expect(justificationRequired('delegate', plain)).toBeNull();
  });
});

describe('noResponseDecision', () => {
  const d = { default: 'keep' as const, privileged: 'revoke' as const };
  it('privileged items take the stricter default; recommendation follows the item', () => {
    expect(noResponseDecision({ privileged: false, recommendation: 'revoke' }, d)).toBe('approve');
    expect(noResponseDecision({ privileged: true, recommendation: 'keep' }, d)).toBe('revoke');
    const rec = { default: 'recommendation' as const, privileged: 'revoke' as const };
    expect(noResponseDecision({ privileged: false, recommendation: 'revoke' }, rec)).toBe('revoke');
    expect(noResponseDecision({ privileged: false, recommendation: 'keep' }, rec)).toBe('approve');
  });
});

it('the next stage gets what this one kept', () => {
  expect(advancesToNextStage('approve')).toBe(true);
  expect(advancesToNextStage('modify')).toBe(true);
  expect(advancesToNextStage('revoke')).toBe(false);
  expect(advancesToNextStage(null)).toBe(false);
});

it('an approve of access an earlier stage modified stays a modify', () => {
  expect(effectiveDecision({ decision: 'approve', modify_to: 'read' })).toBe('modify');
  expect(effectiveDecision({ decision: 'approve', modify_to: null })).toBe('approve');
  expect(effectiveDecision({ decision: 'revoke', modify_to: 'read' })).toBe('revoke');
});
