// Dependency direction check: every layer says what it may import, so the architecture can't rot
// quietly (docs/architecture.md, "Layers"). Fails naming each bad import.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/**
 * layer -> the other layers it may import (anything else is refused). Read bottom-up: the domain
 * imports nothing; adapters (store, sources, connectors) and the audit trail's definition sit on
 * it; the engine and governance orchestrate them; http and cli are the entry points.
 */
const allowed = {
  // Pure rules and the nouns: owns its types, imports no other layer (not even the tenure.yaml schema).
  'src/domain': [],
  // The agent ⇄ control-plane wire protocol, shared with the agent bundle: zod, jose, node, domain.
  'src/protocol': ['src/domain'],
  // Targets behind one contract; they take their settings schema from themselves, so the on-prem
  // agent runs them unchanged, without the tenure.yaml or HR-system schemas.
  'src/connectors': ['src/domain'],
  // HR readers behind one contract; each declares its own tenure.yaml settings schema.
  'src/sources': ['src/domain'],
  // The audit trail's records, actions, hash chain, checkpoints, export and verify; reads the
  // chain through its own port (audit/types.ts), which the store implements.
  'src/audit': ['src/domain'],
  // tenure.yaml: composes the sources' and connectors' settings schemas onto domain types.
  'src/config': ['src/domain', 'src/sources', 'src/connectors'],
  // Kysely repositories; each declares its interface, store/types.ts composes them.
  'src/store': ['src/domain', 'src/audit'],
  // Orchestration: import, plan/apply, reconcile, agents, scheduler, queue, webhooks.
  'src/engine': [
    'src/domain',
    'src/audit',
    'src/config',
    'src/store',
    'src/sources',
    'src/connectors',
    'src/protocol',
  ],
  // Reviews, SoD, requests, evidence: writes grants/exceptions/decisions and reads state. Never
  // a connector: plan/apply (src/engine) stays the one write path to targets.
  'src/governance': ['src/domain', 'src/audit', 'src/config', 'src/store', 'src/engine'],
  // The control plane: calls the engine and governance; the store only as types (its contract).
  'src/http': [
    'src/domain',
    'src/audit',
    'src/config',
    'src/store',
    'src/engine',
    'src/governance',
    'src/protocol',
    'src/sources',
  ],
  // The on-prem agent: the wire protocol and the connectors it runs, nothing of the server.
  'src/agent': ['src/domain', 'src/protocol', 'src/connectors'],
  // One file per command over the engine, governance, the server and the agent.
  'src/cli': [
    'src/domain',
    'src/audit',
    'src/config',
    'src/store',
    'src/engine',
    'src/governance',
    'src/http',
    'src/agent',
  ],
  // The web console, its own package: only the API's types, generated into console/src/api.
  console: [],
};
/** layer -> layers it may import with `import type` only. */
const typeOnly = { 'src/http': ['src/store'] };
/** Store internals: no layer outside src/store imports them (database rows stay in the store). */
const storeInternal =
  /^src\/store\/(schema|[a-z-]+-schema|migrations\/.+|connect|codec|migrate)\.[jt]s$/;

const SKIP = new Set(['node_modules', 'dist', '.tenure']);
const files = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (SKIP.has(f)) return [];
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx|mts|mjs|js)$/.test(f) ? [p] : [];
  });
const layerOf = (path) => {
  const m = /^(src\/[^/]+|console)(\/|$)/.exec(path);
  return m?.[1];
};
/** Static imports and re-exports (`from '…'`), side-effect imports and dynamic `import('…')`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;

const problems = [];
for (const layer of Object.keys(allowed)) {
  const dir = join(root, layer);
  if (!existsSync(dir)) continue;
  for (const file of files(dir)) {
    const text = readFileSync(file, 'utf8');
    const from = relative(root, file);
    for (const m of text.matchAll(SPECIFIER)) {
      const target = relative(root, resolve(dirname(file), m[2]));
      const to = layerOf(target);
      const say = (why) => problems.push(`${from}: imports ${target} (${why})`);
      if (layer !== 'src/store' && storeInternal.test(target)) {
        say(`store internals stay in src/store; use the Store contract (src/store/types.ts)`);
        continue;
      }
      if (to === layer) continue;
      if (to === undefined) {
        if (layer === 'console')
          say('console/ imports only its own files and the generated API types');
        else if (layer.startsWith('src/') && !target.startsWith('src/'))
          say(`${layer} must stay inside src/`);
        continue;
      }
      if (!allowed[layer].includes(to)) {
        say(`${layer} must not depend on ${to}`);
        continue;
      }
      if (typeOnly[layer]?.includes(to)) {
        const start = Math.max(
          text.lastIndexOf('\nimport ', m.index),
          text.lastIndexOf('\nexport ', m.index),
        );
        if (!/^\n(import|export) type /.test(text.slice(start, m.index)))
          say(`${layer} may use ${to} only as types (import type)`);
      }
    }
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`dependency directions ok (${Object.keys(allowed).length} layers)`);
