// `npm run build:agent`: the on-prem agent as one file, dist/agent.js, without the server's
// dependencies (no SQLite, Kysely, pg or Fastify). Prints its size; writes the metafile beside it.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const outdir = process.env.TENURE_AGENT_OUTDIR ?? join(root, 'dist');
const outfile = join(outdir, 'agent.js');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Must never be in the agent: it would mean an import path reached server code. */
const SERVER_ONLY = [
  'better-sqlite3/',
  'kysely/',
  'pg/',
  'pg-',
  'fastify/',
  'fastify-',
  '@fastify/',
  'commander/',
];

const result = await build({
  entryPoints: [join(root, 'src/agent/main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  metafile: true,
  legalComments: 'none',
  define: { __TENURE_AGENT_VERSION__: JSON.stringify(version) },
  // Bundled CommonJS dependencies call require() for node built-ins; ESM has none by default.
  banner: {
    js: "import { createRequire as __tenureRequire } from 'node:module'; const require = __tenureRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
writeFileSync(join(outdir, 'agent.meta.json'), JSON.stringify(result.metafile));
const inputs = Object.keys(result.metafile.inputs);
const serverOnly = new RegExp(
  `(^|/)node_modules/(${SERVER_ONLY.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})`,
);
/** The agent's own layers (scripts/check-deps.mjs): any other src/ module is server code. */
const AGENT_LAYERS = /^src\/(agent|protocol|connectors|domain)\//;
const bad = inputs.filter(
  (i) => serverOnly.test(i) || (i.startsWith('src/') && !AGENT_LAYERS.test(i)),
);
if (bad.length > 0) {
  console.error(`dist/agent.js pulls in server code:\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
const bytes = statSync(outfile).size;
console.log(
  `${outfile}: ${(bytes / 1024).toFixed(0)} KiB (${bytes} bytes), ${inputs.length} modules, tenure ${version}`,
);
