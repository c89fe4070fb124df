/** A campaign end to end on each store: create, launch (snapshot hashed into the chain), decide, sign off, close. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemediationContext } from '../../src/governance/reviews/close-campaign.js';
import { closeCampaign } from '../../src/governance/reviews/close-campaign.js';
import {
  createCampaign,
  createFromTemplate,
} from '../../src/governance/reviews/create-campaign.js';
import { decide } from '../../src/governance/reviews/decide.js';
import { launchCampaign } from '../../src/governance/reviews/launch-campaign.js';
import { inbox } from '../../src/governance/reviews/read.js';
import { signOff } from '../../src/governance/reviews/signoff.js';
import { accessSnapshotHash } from '../../src/governance/reviews/snapshot.js';
import type { ReviewItemRow } from '../../src/store/reviews-types.js';
import { testDialects } from '../support/databases.js';
import { auditEvents, type TestWorkspace } from '../support/workspace.js';
import { definition, reviewer, reviewsWorkspace } from './reviews-fixture.js';

const REAUTH = { method: 'password' as const, username: 'x' };

describe.each(testDialects())('access review end to end (%s)', (dialect) => {
  let t: TestWorkspace;
  let id: string;
  let items: ReviewItemRow[];
  const deps = () => t.ws;
  const find = (who: string, ent: string | null) =>
    items.find((i) => i.identity_id === who && i.entitlement_id === ent)!;

  beforeAll(async () => {
    t = await reviewsWorkspace(dialect);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('launch freezes the population, hashes it into the audit chain, explains every item', async () => {
    const draft = await createCampaign(deps(), definition(), 'admin:alice');
    expect(draft.status).toBe('draft');
    const active = await launchCampaign(deps(), draft.id, 'admin:alice');
    id = active.id;
    items = await t.ws.store.reviews.items({ campaignId: id });
    // 7 × staff, 4 in Engineering × eng, P006's drift eng, 2 requested admins.
    expect(items).toHaveLength(14);
    expect(active).toMatchObject({ status: 'active', stage: 1, snapshot_items: 14 });
    expect(active.snapshot_sha256).toBe(accessSnapshotHash(items));
    const launched = (await auditEvents(t.ws)).find((e) => e.action === 'review.launched')!;
    expect(JSON.parse(launched.details)).toMatchObject({
      snapshot_sha256: active.snapshot_sha256,
      items: 14,
    });
    expect(launched.trigger).toBe(`campaign:${id}`);

    expect(find('P003', 'eng')).toMatchObject({
      reason: { kind: 'birthright', ref: 'eng' },
      reviewer: 'P002',
      assigned_via: 'strategy',
      recommendation: { recommendation: 'keep' },
      peers: { holders: 2, peers: 2 },
      last_used: { value: 'unknown' },
    });
    expect(find('P003', 'eng').since).toBe('2026-12-01T09:00:00.000Z');
    expect(find('P006', 'eng')).toMatchObject({
      reason: { kind: 'none' },
      recommendation: {
        recommendation: 'revoke',
        reason: expect.stringContaining('no justification'),
      },
    });
    expect(find('P004', 'admin')).toMatchObject({
      privileged: true,
      reason: { kind: 'request', ref: 'r-P004' },
    });
    // The CEO has no manager: the fallback reviewer.
    expect(find('P001', 'staff')).toMatchObject({ reviewer: 'P007', assigned_via: 'fallback' });
    for (const i of items) expect(i.reviewer).not.toBe(i.identity_id);
  });

  it('a launched campaign cannot be launched again', async () => {
    await expect(launchCampaign(deps(), id, 'admin:alice')).rejects.toMatchObject({
      code: 'review.not_draft',
    });
  });

  it("a reviewer's inbox holds only their items", async () => {
    const mine = await inbox(t.ws.store, reviewer('P002'), { limit: 50 });
    expect(mine.map((i) => i.identity_id).sort()).toEqual([
      'P003',
      'P003',
      'P003',
      'P004',
      'P004',
      'P004',
      'P005',
      'P005',
    ]);
    expect(mine.every((i) => i.reviewer === 'P002')).toBe(true);
  });

  it('refuses bad decisions with a code, changing nothing', async () => {
    const before = await t.ws.store.audit.head();
    const p2 = reviewer('P002');
    await expect(
      decide(deps(), id, p2, [{ item: find('P001', 'staff').id, action: 'approve' }]),
    ).rejects.toMatchObject({ code: 'review.not_your_item' });
    await expect(
      decide(deps(), id, p2, [{ item: find('P003', 'eng').id, action: 'revoke' }]),
    ).rejects.toMatchObject({ code: 'review.justification_required' });
    await expect(
      decide(deps(), id, p2, [{ item: find('P004', 'admin').id, action: 'approve' }]),
    ).rejects.toMatchObject({
      code: 'review.justification_required',
      details: { because: 'privileged' },
    });
    await expect(
      decide(deps(), id, reviewer('P001'), [{ item: find('P006', 'eng').id, action: 'approve' }]),
    ).rejects.toMatchObject({
      code: 'review.justification_required',
      details: { because: 'unjustified' },
    });
    await expect(
      decide(deps(), id, reviewer('P007', 'auditor'), [
        { item: find('P001', 'staff').id, action: 'approve' },
      ]),
    ).rejects.toMatchObject({ code: 'review.not_your_item' });
    // A bulk with one bad decision applies none of them.
    await expect(
      decide(deps(), id, p2, [
        { item: find('P003', 'staff').id, action: 'approve' },
        { item: find('P003', 'eng').id, action: 'revoke' },
      ]),
    ).rejects.toMatchObject({ code: 'review.justification_required' });
    expect((await t.ws.store.reviews.getItem(find('P003', 'staff').id))!.decision).toBeNull();
    expect(await t.ws.store.audit.head()).toEqual(before);
  });

  it('two decisions at once on one item: one wins, the other is refused', async () => {
    const item = find('P005', 'staff');
    const p2 = reviewer('P002');
    const results = await Promise.allSettled([
      decide(deps(), id, p2, [{ item: item.id, action: 'approve', expected_version: 0 }]),
      decide(deps(), id, p2, [
        { item: item.id, action: 'revoke', justification: 'no longer needed', expected_version: 0 },
      ]),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'review.decision_conflict' });
    expect((await t.ws.store.reviews.getItem(item.id))!.version).toBe(1);
  });

  it('refuses a decision on an item whose holder left meanwhile', async () => {
    const p5 = (await t.ws.store.identities.get('P005'))!;
    await t.ws.store.identities.save(
      [{ identity: { ...p5, status: 'terminated' }, events: ['leaver'] }],
      t.ws.clock().toISOString(),
    );
    await expect(
      decide(deps(), id, reviewer('P002'), [{ item: find('P005', 'eng').id, action: 'approve' }]),
    ).rejects.toMatchObject({ code: 'review.identity_left' });
    await t.ws.store.identities.save(
      [{ identity: p5, events: ['rehire'] }],
      t.ws.clock().toISOString(),
    );
  });

  it('decides (bulk, changeable, audited), signs off with the meaning statement, then locks', async () => {
    const p2 = reviewer('P002');
    await decide(deps(), id, p2, [
      { item: find('P003', 'staff').id, action: 'approve' },
      { item: find('P003', 'eng').id, action: 'approve' },
      { item: find('P004', 'staff').id, action: 'approve' },
      { item: find('P004', 'eng').id, action: 'approve' },
      { item: find('P005', 'eng').id, action: 'approve' },
      { item: find('P004', 'admin').id, action: 'approve', justification: 'on-call admin' },
    ]);
    await expect(signOff(deps(), id, p2, REAUTH)).rejects.toMatchObject({
      code: 'review.undecided',
    });
    await decide(deps(), id, p2, [
      { item: find('P003', 'admin').id, action: 'approve', justification: 'first thought' },
    ]);
    const changed = await decide(deps(), id, p2, [
      { item: find('P003', 'admin').id, action: 'revoke', justification: 'left the on-call rota' },
      { item: find('P005', 'staff').id, action: 'approve' },
    ]);
    expect(changed[0]).toMatchObject({ decision: 'revoke', decided_by: 'reviewer:p002' });
    const events = (await auditEvents(t.ws)).filter((e) => e.action === 'review.decision');
    const last = JSON.parse(
      events.find(
        (e) =>
          JSON.parse(e.details).item === find('P003', 'admin').id &&
          JSON.parse(e.details).decision === 'revoke',
      )!.details,
    );
    expect(last).toMatchObject({
      justification: 'left the on-call rota',
      previous: { decision: 'approve', justification: 'first thought' },
    });

    const signed = await signOff(deps(), id, p2, REAUTH);
    expect(signed).toMatchObject({
      stage: 1,
      reviewer: 'P002',
      items: 8,
      meaning: 'I certify that the access I approved is appropriate.',
    });
    expect(signed.statement_sha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(
      decide(deps(), id, p2, [
        { item: find('P003', 'staff').id, action: 'revoke', justification: 'x' },
      ]),
    ).rejects.toMatchObject({ code: 'review.signed_off' });
  });

  it('close defaults what nobody decided, calls remediation and the report, and refuses later decisions', async () => {
    const seen: RemediationContext[] = [];
    let reported = '';
    const closed = await closeCampaign(deps(), id, {
      actor: 'admin:alice',
      remediate: async (ctx) => {
        seen.push(ctx);
        return { failures: [], pending: [] };
      },
      report: async ({ campaign }) => {
        reported = campaign.status;
      },
    });
    expect(closed.status).toBe('completed');
    expect(reported).toBe('completed');
    const finals = await t.ws.store.reviews.items({ campaignId: id });
    // P006's drift eng was never decided: default keep (not privileged) — named as defaulted.
    expect(
      finals.find((i) => i.identity_id === 'P006' && i.entitlement_id === 'eng'),
    ).toMatchObject({ decision: 'approve', defaulted: true, decided_by: 'system' });
    expect(seen[0]!.items.map((i) => [i.identity_id, i.entitlement_id, i.decision])).toEqual([
      ['P003', 'admin', 'revoke'],
    ]);
    expect(closed.summary).toMatchObject({ items: 14, revoke: 1 });
    const actions = (await auditEvents(t.ws)).map((e) => e.action);
    expect(actions).toContain('review.defaulted');
    expect(actions.at(-1)).toBe('review.closed');
    await expect(
      decide(deps(), id, reviewer('P001'), [{ item: find('P006', 'staff').id, action: 'approve' }]),
    ).rejects.toMatchObject({ code: 'review.closed' });
  });

  it('remediation failures close the campaign as completed_with_failures', async () => {
    const c = await createCampaign(
      deps(),
      definition({
        scope: { privileged_only: true },
        no_response: { default: 'keep', privileged: 'revoke' },
      }),
      'admin:alice',
    );
    await launchCampaign(deps(), c.id, 'admin:alice');
    const closed = await closeCampaign(deps(), c.id, {
      actor: 'admin:alice',
      remediate: async ({ items }) => ({
        failures: items.map((i) => ({ item: i.id, reason: 'target down' })),
        pending: [],
      }),
    });
    expect(closed.status).toBe('completed_with_failures');
    expect(closed.summary).toMatchObject({ items: 2, revoke: 2, defaulted: 2 });
  });

  it('a tenure.yaml template makes a draft named for its period', async () => {
    const c = await createFromTemplate(deps(), 'quarterly', 'admin:alice');
    expect(c).toMatchObject({
      name: 'Directory access 2026-Q4',
      status: 'draft',
      definition: { template: 'quarterly', due_at: '2026-12-15T09:00:00.000Z' },
    });
    await expect(createFromTemplate(deps(), 'nope', 'admin:alice')).rejects.toMatchObject({
      code: 'review.template_not_found',
    });
  });
});
