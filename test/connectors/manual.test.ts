import { describe, expect, it } from 'vitest';
import { manualConnector } from '../../src/connectors/manual/manual-connector.js';
import { collect, op, runConnectorContract } from './contract-suite.js';

const silent = { info() {}, warn() {}, error() {} };
const make = () =>
  manualConnector.create({
    appId: 'payroll',
    config: { assignee: 'payroll-team' },
    secret: () => '',
    baseDir: '.',
    log: silent,
  });

runConnectorContract('manual', { make, readsBack: false });

describe('manual connector', () => {
  it('turns every operation into a pending_manual task carrying its summary and assignee', async () => {
    const c = await make();
    const task = op('manual.task', 'jdoe', {
      task: { action: 'account.disable', summary: 'Disable account jdoe in Payroll (leaver)' },
    });
    const [r] = await collect(c.apply([task]));
    expect(r).toMatchObject({ key: task.key, outcome: 'pending_manual' });
    expect(r?.message).toContain('Disable account jdoe in Payroll');
    expect(r?.message).toContain('payroll-team');
  });
});
