import { pino } from 'pino';
import Database from 'better-sqlite3';
const raw = new Database('/tmp/wbx/ws/.tenure/tenure.db');
import { applyRun } from '../src/engine/runs.ts';
import { receiveSourceEvent } from '../src/engine/webhook/receive.ts';
import { signatureHeader } from '../src/engine/webhook/verify.ts';
import { openWorkspace } from '../src/engine/workspace.ts';
import { DEPARTMENTS } from '../bench/workspace-fixture.ts';
process.env.WB_SECRET = 's';
const ws = await openWorkspace('/tmp/wbx/ws', { log: pino({ level: 'silent' }) });
const orig = ws.store.transaction.bind(ws.store);
let inner = 0, commit = 0;
(ws.store as any).transaction = async (fn: any) => {
  const t0 = performance.now(); let t1 = 0;
  const r = await orig(async (tx: any) => { const x = await fn(tx); t1 = performance.now(); return x; });
  inner = t1 - t0; commit = performance.now() - t1; return r;
};
const people = (await ws.store.identities.all()).filter((i) => i.status === 'active' && i.attributes.department !== 'Executive');
const rows: number[][] = [];
const ck: number[] = [];
for (let i = 0; i < 200; i++) {
  const p = people[(i * 90) % people.length]!;
  const department = DEPARTMENTS[(DEPARTMENTS.indexOf(p.attributes.department) + 1) % DEPARTMENTS.length]!;
  const body = JSON.stringify({ employee_id: p.id, event_id: `x-${i}`, record: { department } });
  const sig = signatureHeader(body, 's', Date.now() / 1000);
  const t0 = performance.now();
  await receiveSourceEvent(ws, { sourceId: 'hr', body: Buffer.from(body), signature: sig });
  const t1 = performance.now();
  const txInner = inner, txCommit = commit;
  let tp = 0;
  await applyRun(ws, { identityIds: [p.id], actor: 'system', trigger: 'x', onPlanned: () => { tp = performance.now(); } });
  const t2 = performance.now();
  if (process.env.CKPT) { const c0 = performance.now(); await ws.store.jobs.idle(); ck.push(performance.now() - c0); }
  rows.push([t1 - t0, txInner, txCommit, tp - t1, t2 - tp, i]);
}
rows.sort((a, b) => b[0]! - a[0]!);
console.log('slowest receive [recv, txInner, txCommit, plan, exec, i]:');
for (const r of rows.slice(0, 8)) console.log(r.map((x) => Math.round(x)).join('  '));
const plans = rows.map((r) => r[3]!).sort((a, b) => a - b);
console.log('plan p50', plans[100], 'p99', plans[198], 'max', plans[199]);
const recv = rows.map((r) => r[0]!).sort((a, b) => a - b);
console.log('recv p50', recv[100], 'p99', recv[198]);
console.log('ckpt max', Math.max(0, ...ck), 'avg', ck.reduce((a,b)=>a+b,0)/Math.max(1,ck.length));
await ws.close();
