// Dependency direction check: the architecture can't rot quietly. Fails naming each bad import.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
/** layer -> layers it must never import */
const forbidden = {
  'src/domain': [
    'src/store',
    'src/engine',
    'src/cli',
    'src/connectors',
    'src/sources',
    'src/http',
    'src/agent',
    'src/audit',
  ],
  'src/connectors': ['src/store', 'src/engine', 'src/cli', 'src/http'],
  'src/sources': ['src/store', 'src/engine', 'src/cli', 'src/http'],
  'src/store': ['src/engine', 'src/cli', 'src/http', 'src/connectors'],
  'src/agent': ['src/store', 'src/http', 'src/engine', 'src/cli'],
  // The wire protocol is shared with the agent bundle: zod, jose, node and domain types only.
  'src/protocol': [
    'src/store',
    'src/http',
    'src/engine',
    'src/cli',
    'src/agent',
    'src/config',
    'src/connectors',
    'src/sources',
    'src/audit',
  ],
};
const files = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
const problems = [];
for (const [layer, banned] of Object.entries(forbidden)) {
  let list = [];
  try {
    list = files(join(root, layer));
  } catch {
    continue;
  }
  for (const file of list) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/from '(\.[^']+)'/g)) {
      const target = relative(root, resolve(file, '..', m[1]));
      const hit = banned.find((b) => target === b || target.startsWith(`${b}/`));
      if (hit)
        problems.push(
          `${relative(root, file)}: imports ${target} (${layer} must not depend on ${hit})`,
        );
    }
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('dependency directions ok');
