import { describe, expect, it } from 'vitest';
import { isTenureError } from '../../domain/errors.js';
import { createHashGate } from './hash-gate.js';

/** A task that finishes only when told to. */
const held = () => {
  let release!: () => void;
  const done = new Promise<void>((r) => {
    release = r;
  });
  return { fn: () => done, release };
};

describe('hash gate', () => {
  it('runs at most `concurrency` at once, queues a few in order, refuses the rest as auth.busy', async () => {
    const gate = createHashGate(2, 1);
    const a = held();
    const b = held();
    const order: string[] = [];
    const pa = gate.run(a.fn).then(() => order.push('a'));
    const pb = gate.run(b.fn).then(() => order.push('b'));
    const pc = gate.run(async () => order.push(`c after ${order.join(',') || 'nothing'}`));
    await Promise.resolve();
    expect(gate.load()).toEqual({ running: 2, waiting: 1 });
    const refused = await gate.run(async () => 'never').catch((e: unknown) => e);
    expect(isTenureError(refused) && refused.code).toBe('auth.busy');
    expect(isTenureError(refused) && refused.details.retry_after).toBe(1);
    expect(order).toEqual([]);
    a.release();
    await pa;
    await pc;
    expect(order).toContain('a');
    expect(order.some((o) => o.startsWith('c'))).toBe(true);
    expect(order).not.toContain('b');
    b.release();
    await pb;
    expect(gate.load()).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when the task throws', async () => {
    const gate = createHashGate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 'ok')).toBe('ok');
  });
});
