/** Nobody reviews their own access under any strategy, and a three-stage campaign under an injected clock. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVIEWER_STRATEGIES } from '../../src/domain/governance/campaign.js';
import { advanceStage, closeCampaign } from '../../src/governance/reviews/close-campaign.js';
import { createCampaign } from '../../src/governance/reviews/create-campaign.js';
import { decide } from '../../src/governance/reviews/decide.js';
import { fillLastUsed } from '../../src/governance/reviews/last-used.js';
import { launchCampaign } from '../../src/governance/reviews/launch-campaign.js';
import { testDialects } from '../support/databases.js';
import { auditEvents, type TestWorkspace } from '../support/workspace.js';
import { definition, reviewer, reviewsWorkspace } from './reviews-fixture.js';

describe.each(testDialects())('review stages (%s)', (dialect) => {
  let t: TestWorkspace;
  beforeAll(async () => {
    t = await reviewsWorkspace(dialect);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const launch = async (over: Parameters<typeof definition>[0]) => {
    const c = await createCampaign(t.ws, definition(over), 'admin:alice');
    await launchCampaign(t.ws, c.id, 'admin:alice');
    return { id: c.id, items: await t.ws.store.reviews.items({ campaignId: c.id }) };
  };

  // dir's owner is p3@ (P003), admin's owner P004, the named reviewer P005, the CEO P001 has no
  // manager: each strategy would hand someone their own access; none does.
  it.each(REVIEWER_STRATEGIES)('nobody reviews their own access: %s', async (strategy) => {
    const stage =
      strategy === 'named' ? { strategy, reviewers: ['p5@small.example'] } : { strategy };
    const { items } = await launch({ stages: [stage] });
    expect(items.length).toBe(14);
    for (const i of items) expect(i.reviewer).not.toBe(i.identity_id);
    const own = {
      application_owner: 'P003',
      entitlement_owner: 'P004',
      named: 'P005',
      manager: 'P001',
    }[strategy];
    const rerouted = items.filter((i) => i.identity_id === own && i.assigned_via !== 'strategy');
    expect(rerouted.length).toBeGreaterThan(0);
    // To the would-be reviewer's manager (P002 for the engineers), else the fallback (P007).
    for (const i of rerouted) expect(i.reviewer).toBe(own === 'P001' ? 'P007' : 'P002');
  });

  it('launch refuses when only the holder could review an item', async () => {
    const c = await createCampaign(
      t.ws,
      definition({ fallback_reviewer: 'P001', scope: { identities: ['P001'] } }),
      'admin:alice',
    );
    await expect(launchCampaign(t.ws, c.id, 'admin:alice')).rejects.toMatchObject({
      code: 'review.no_reviewer',
      details: { identities: ['P001'] },
    });
    expect((await t.ws.store.reviews.getCampaign(c.id))!.status).toBe('draft');
  });

  it('three stages: each gets what the previous kept, decided at the injected time', async () => {
    t.setNow('2026-12-02T10:00:00Z');
    const { id, items } = await launch({
      scope: { identities: ['P003', 'P004', 'P006'] },
      stages: [
        { strategy: 'manager' },
        { strategy: 'application_owner' },
        { strategy: 'named', reviewers: ['P007'] },
      ],
      no_response: { default: 'keep', privileged: 'revoke' },
    });
    const at = (who: string, ent: string, list = items) =>
      list.find((i) => i.identity_id === who && i.entitlement_id === ent)!;
    // Stage 1, by the managers: P002 revokes P004's eng; P001 approves P006's drift with a reason.
    t.setNow('2026-12-03T10:00:00Z');
    await decide(t.ws, id, reviewer('P002'), [
      { item: at('P004', 'eng').id, action: 'revoke', justification: 'moved to docs' },
      { item: at('P003', 'admin').id, action: 'approve', justification: 'on call' },
    ]);
    await decide(t.ws, id, reviewer('P001'), [
      { item: at('P006', 'eng').id, action: 'approve', justification: 'sales engineer' },
    ]);
    expect((await t.ws.store.reviews.getItem(at('P004', 'eng').id))!.decided_at).toBe(
      '2026-12-03T10:00:00.000Z',
    );

    t.setNow('2026-12-05T10:00:00Z');
    const s2 = await advanceStage(t.ws, id, 'admin:alice');
    expect(s2.stage).toBe(2);
    const stage1 = await t.ws.store.reviews.items({ campaignId: id, stage: 1 });
    // Undecided stage-1 items took the no-response default: keep, but privileged P004 admin → revoke.
    expect(at('P004', 'admin', stage1)).toMatchObject({
      decision: 'revoke',
      defaulted: true,
      decided_at: '2026-12-05T10:00:00.000Z',
    });
    const stage2 = await t.ws.store.reviews.items({ campaignId: id, stage: 2 });
    expect(stage2.map((i) => `${i.identity_id}/${i.entitlement_id}`).sort()).toEqual([
      'P003/admin',
      'P003/eng',
      'P003/staff',
      'P004/staff',
      'P006/eng',
      'P006/staff',
    ]);
    // Stage 2 is the application owner's (P003) — except P003's own, rerouted to P002.
    for (const i of stage2) expect(i.reviewer).toBe(i.identity_id === 'P003' ? 'P002' : 'P003');
    // A stage-1 item can no longer change.
    await expect(
      decide(t.ws, id, reviewer('P002'), [{ item: at('P003', 'staff').id, action: 'approve' }]),
    ).rejects.toMatchObject({ code: 'review.closed' });

    t.setNow('2026-12-06T10:00:00Z');
    await decide(t.ws, id, reviewer('P003'), [
      { item: at('P006', 'eng', stage2).id, action: 'revoke', justification: 'not in engineering' },
      { item: at('P004', 'staff', stage2).id, action: 'approve' },
      { item: at('P006', 'staff', stage2).id, action: 'approve' },
    ]);
    await decide(t.ws, id, reviewer('P002'), [
      { item: at('P003', 'admin', stage2).id, action: 'approve', justification: 'still on call' },
      {
        item: at('P003', 'eng', stage2).id,
        action: 'modify',
        entitlement: 'staff',
        justification: 'read-only is enough',
      },
    ]);
    t.setNow('2026-12-07T10:00:00Z');
    await advanceStage(t.ws, id, 'admin:alice');
    const stage3 = await t.ws.store.reviews.items({ campaignId: id, stage: 3 });
    expect(stage3.every((i) => i.reviewer === 'P007')).toBe(true);
    expect(stage3.map((i) => `${i.identity_id}/${i.entitlement_id}`).sort()).toEqual([
      'P003/admin',
      'P003/eng',
      'P003/staff',
      'P004/staff',
      'P006/staff',
    ]);
    await expect(advanceStage(t.ws, id, 'admin:alice')).rejects.toMatchObject({
      code: 'review.last_stage',
    });

    // P003/staff went on undecided: stage 2 defaulted it to keep. Stage 3: the security officer
    // decides one; the rest default at close.
    t.setNow('2026-12-08T10:00:00Z');
    await decide(t.ws, id, reviewer('P007'), [
      { item: at('P004', 'staff', stage3).id, action: 'approve' },
    ]);
    t.setNow('2026-12-15T00:00:00Z');
    const removals: string[] = [];
    const closed = await closeCampaign(t.ws, id, {
      actor: 'admin:alice',
      remediate: async ({ items }) => {
        for (const i of items)
          removals.push(`${i.identity_id}/${i.entitlement_id}:${i.decision}@${i.stage}`);
        return { failures: [], pending: [] };
      },
    });
    expect(closed).toMatchObject({
      status: 'completed',
      stage: 3,
      closed_at: '2026-12-15T00:00:00.000Z',
    });
    // Stage 3's undecided privileged admin took the stricter default; modify stays a modify.
    expect(removals.sort()).toEqual([
      'P003/admin:revoke@3',
      'P003/eng:modify@3',
      'P004/admin:revoke@1',
      'P004/eng:revoke@1',
      'P006/eng:revoke@2',
    ]);
  });
});

describe('last use, filled later', () => {
  it('re-derives the recommendation from a known last use', async () => {
    const t = await reviewsWorkspace('sqlite');
    try {
      const c = await createCampaign(
        t.ws,
        definition({ scope: { identities: ['P003'] } }),
        'admin:a',
      );
      await launchCampaign(t.ws, c.id, 'admin:a');
      const stale = { value: '2026-01-02T00:00:00Z', source: 'csv:last_login', precision: 'day' };
      const filled = await fillLastUsed(t.ws, c.id, async (line) =>
        line.entitlement_id === 'eng' ? stale : undefined,
      );
      expect(filled).toBe(1);
      const [eng] = await t.ws.store.reviews
        .items({ campaignId: c.id, identityId: 'P003' })
        .then((r) => r.filter((i) => i.entitlement_id === 'eng'));
      expect(eng).toMatchObject({
        last_used: stale,
        recommendation: { recommendation: 'revoke', reason: 'unused for more than 90 days' },
      });
    } finally {
      await t.cleanup();
    }
  });
});

describe.each(testDialects())('campaign races (%s)', (dialect) => {
  let t: TestWorkspace;
  beforeAll(async () => {
    t = await reviewsWorkspace(dialect);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('two launches at once: one wins, the other is refused, the snapshot is taken once', async () => {
    const c = await createCampaign(t.ws, definition(), 'admin:a');
    const results = await Promise.allSettled([
      launchCampaign(t.ws, c.id, 'admin:a'),
      launchCampaign(t.ws, c.id, 'admin:b'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason,
    ).toMatchObject({ code: 'review.not_draft' });
    expect(await t.ws.store.reviews.items({ campaignId: c.id })).toHaveLength(14);
  });

  it('a decision racing the close either lands before it or is refused', async () => {
    const c = await createCampaign(t.ws, definition(), 'admin:a');
    await launchCampaign(t.ws, c.id, 'admin:a');
    const [item] = await t.ws.store.reviews.items({
      campaignId: c.id,
      identityId: 'P003',
      limit: 1,
    });
    const [decided, closed] = await Promise.allSettled([
      decide(t.ws, c.id, reviewer('P002'), [
        { item: item!.id, action: 'revoke', justification: 'race' },
      ]),
      closeCampaign(t.ws, c.id, { actor: 'admin:a' }),
    ]);
    expect(closed.status).toBe('fulfilled');
    const final = (await t.ws.store.reviews.getItem(item!.id))!;
    if (decided.status === 'fulfilled')
      expect(final).toMatchObject({ decision: 'revoke', defaulted: false });
    else {
      expect(decided.reason.code).toMatch(/^review\.(closed|decision_conflict)$/);
      // P003's first item is the privileged admin: its no-response default is revoke.
      expect(final).toMatchObject({ entitlement_id: 'admin', decision: 'revoke', defaulted: true });
    }
  });
});

describe('scopes', () => {
  it('departments, entitlements, privileged, unjustified, identities: each filter holds', async () => {
    const t = await reviewsWorkspace('sqlite');
    try {
      const lines = async (scope: object) => {
        const c = await createCampaign(t.ws, definition({ scope }), 'admin:a');
        await launchCampaign(t.ws, c.id, 'admin:a');
        return (await t.ws.store.reviews.items({ campaignId: c.id }))
          .map((i) => `${i.identity_id}/${i.entitlement_id}`)
          .sort();
      };
      expect(await lines({ departments: ['Sales'] })).toEqual(['P006/eng', 'P006/staff']);
      expect(await lines({ entitlements: ['dir/admin'] })).toEqual(['P003/admin', 'P004/admin']);
      expect(await lines({ privileged_only: true })).toEqual(['P003/admin', 'P004/admin']);
      expect(await lines({ unjustified_only: true })).toEqual(['P006/eng']);
      expect(await lines({ identities: ['P005'], entitlements: ['dir/eng'] })).toEqual([
        'P005/eng',
      ]);
      await expect(
        createCampaign(t.ws, definition({ scope: { applications: ['nope'] } }), 'admin:a'),
      ).rejects.toMatchObject({
        code: 'review.invalid',
        details: { problems: ['campaign.scope.applications[0]: unknown application "nope"'] },
      });
      const empty = await createCampaign(
        t.ws,
        definition({ scope: { departments: ['Nobody'] } }),
        'admin:a',
      );
      await expect(launchCampaign(t.ws, empty.id, 'admin:a')).rejects.toMatchObject({
        code: 'review.empty_population',
      });
    } finally {
      await t.cleanup();
    }
  });
});

describe.each(testDialects())('reassign and delegate (%s)', (dialect) => {
  it('moves items to another reviewer, audited; never to the holder', async () => {
    const t = await reviewsWorkspace(dialect);
    try {
      const c = await createCampaign(
        t.ws,
        definition({ scope: { identities: ['P003'] } }),
        'admin:a',
      );
      await launchCampaign(t.ws, c.id, 'admin:a');
      const [a, b] = await t.ws.store.reviews.items({ campaignId: c.id });
      const p2 = reviewer('P002');
      await expect(
        decide(t.ws, c.id, p2, [{ item: a!.id, action: 'reassign', to: 'P007' }]),
      ).rejects.toMatchObject({
        code: 'review.justification_required',
        details: { because: 'reassign' },
      });
      await expect(
        decide(t.ws, c.id, p2, [{ item: a!.id, action: 'delegate', to: 'p3@small.example' }]),
      ).rejects.toMatchObject({ code: 'review.self_review' });
      const [moved] = await decide(t.ws, c.id, p2, [
        { item: a!.id, action: 'delegate', to: 'p5@small.example' },
      ]);
      expect(moved).toMatchObject({
        reviewer: 'P005',
        assigned_via: 'delegated',
        assigned_from: 'P002',
        decision: null,
      });
      await expect(
        decide(t.ws, c.id, p2, [{ item: a!.id, action: 'approve' }]),
      ).rejects.toMatchObject({ code: 'review.not_your_item' });
      // An admin administers: reassigns any item (with a reason), but decides none.
      const admin = { actor: 'admin:a', role: 'admin' as const, refs: ['a'], identityId: null };
      const [back] = await decide(t.ws, c.id, admin, [
        { item: b!.id, action: 'reassign', to: 'P007', justification: 'P002 is on leave' },
      ]);
      expect(back).toMatchObject({ reviewer: 'P007', assigned_via: 'reassigned' });
      await expect(
        decide(t.ws, c.id, admin, [{ item: b!.id, action: 'approve' }]),
      ).rejects.toMatchObject({ code: 'review.not_your_item' });
      const events = await auditEvents(t.ws);
      expect(
        events.filter((e) => e.action === 'review.delegated').map((e) => JSON.parse(e.details)),
      ).toEqual([expect.objectContaining({ item: a!.id, from: 'P002', to: 'P005' })]);
      expect(events.find((e) => e.action === 'review.reassigned')).toMatchObject({
        actor: 'admin:a',
      });
    } finally {
      await t.cleanup();
    }
  });
});
