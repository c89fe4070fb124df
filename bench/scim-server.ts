/**
 * The SCIM benchmark's server process: SCIMMY (test/support/scim-server.ts) on 127.0.0.1, with
 * fresh tenants — two for the connector (default and batched lookups), two for the plain HTTP
 * load (before and after) — printed as one JSON line. It runs until its stdin closes, so it never outlives the benchmark.
 */
import { startScimServer } from '../test/support/scim-server.js';

const server = await startScimServer();
const tenants = Object.fromEntries(
  ['raw', 'connector', 'batched', 'raw2'].map((name) => {
    const t = server.tenant();
    return [name, { url: t.url, token: t.token }];
  }),
);
process.stdout.write(`${JSON.stringify(tenants)}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
