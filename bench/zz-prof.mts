import { appendFileSync, cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createSigningKey } from '../src/audit/signing-key.js';
import { createApiToken } from '../src/http/auth/tokens.js';
import { openWorkspace } from '../src/engine/workspace.js';
import { buildApp } from '../src/http/app.js';
import { syntheticOrg } from './synthetic-org.js';
const dir = mkdtempSync(join(tmpdir(), 'tenure-prof-'));
cpSync('examples/demo/tenure.yaml', join(dir, 'tenure.yaml'));
mkdirSync(join(dir, '.tenure'));
createSigningKey(join(dir, '.tenure'));
const ws = await openWorkspace(dir, { log: pino({ level: 'warn' }) });
const recs = syntheticOrg(100_000);
const at = '2026-11-26T09:00:00.000Z';
for (let i = 0; i < recs.length; i += 5000)
  await ws.store.identities.save(recs.slice(i, i + 5000).map((r) => ({ identity: { id: r.employee_id, source_id: 'hr', attributes: r, status: r.status, missing_from_source: false, updated_at: at }, events: ['joiner'] })), at);
const { token } = await createApiToken(ws.store, { name: 'b', role: 'auditor', expiresInMs: 864e5, actor: 'x', userId: null, now: new Date() });
const app = await buildApp({ ws, log: pino({ level: process.env.LVL ?? 'info' }, pino.destination('/dev/null')) });
await app.ready();
const h = { authorization: `Bearer ${token}` };
const pick = () => recs[Math.floor(Math.random() * recs.length)]!.employee_id;
const cur = (id: string) => Buffer.from(JSON.stringify(id)).toString('base64url');
const time = async (name: string, url: () => string, n = 3000) => {
  for (let i = 0; i < 300; i++) await app.inject({ url: url(), headers: h });
  const t = performance.now();
  for (let i = 0; i < n; i++) await app.inject({ url: url(), headers: h });
  console.log(name, ((performance.now() - t) / n).toFixed(3), 'ms/req');
};
await time('list', () => `/api/v1/identities?limit=50&cursor=${cur(pick())}`);
await time('detail', () => `/api/v1/identities/${pick()}`);
await time('healthz', () => `/healthz`);
await time('me', () => `/api/v1/me`);
// raw store
let t = performance.now();
for (let i = 0; i < 3000; i++) await ws.store.browse.identities({ limit: 51, after: pick() });
console.log('store page', ((performance.now() - t) / 3000).toFixed(3));
t = performance.now();
for (let i = 0; i < 3000; i++) { const id = pick(); await Promise.all([ws.store.identities.get(id), ws.store.accounts.forIdentity(id), ws.store.browse.grants({ identityId: id, limit: 1000 })]); }
console.log('store detail', ((performance.now() - t) / 3000).toFixed(3));
t = performance.now();
for (let i = 0; i < 3000; i++) await ws.store.apiTokens.byHash('abc');
console.log('token lookup', ((performance.now() - t) / 3000).toFixed(3));
await app.close(); await ws.close();
