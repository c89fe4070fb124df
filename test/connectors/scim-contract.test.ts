/** The shared connector contract against a real SCIM 2.0 server (SCIMMY), one tenant per case. */
import { afterAll, beforeAll } from 'vitest';
import { makeScimConnector, type ScimServer, startScimServer } from '../support/scim-server.js';
import { runConnectorContract } from './contract-suite.js';

let server: ScimServer;
beforeAll(async () => {
  server = await startScimServer();
});
afterAll(async () => {
  await server?.close();
});

runConnectorContract('scim (SCIMMY)', {
  readsBack: true,
  make: () => makeScimConnector(server.tenant()),
});

runConnectorContract('scim (SCIMMY, ETags, PUT updates, Okta-style active)', {
  readsBack: true,
  make: () =>
    makeScimConnector(server.tenant({ etag: true }), {
      quirks: { user_update: 'put', patch_active: 'value' },
    }),
});
