import { readFileSync } from 'node:fs';
const [file, nSelf = '30', nIncl = '40'] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*\/(node_modules\/)?/, '')}:${n.callFrame.lineNumber + 1}`;
const timeById = new Map(); let total = 0;
p.samples.forEach((s, i) => { const d = p.timeDeltas[i] ?? 0; timeById.set(s, (timeById.get(s) ?? 0) + d); total += d; });
const selfT = new Map(), incl = new Map();
for (const [id, t] of timeById) {
  const l = label(byId.get(id));
  selfT.set(l, (selfT.get(l) ?? 0) + t);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const ln = label(byId.get(cur));
    if (!seen.has(ln)) { seen.add(ln); incl.set(ln, (incl.get(ln) ?? 0) + t); }
  }
}
const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([l, t]) => `${(t / 1000).toFixed(0).padStart(7)} ms  ${l}`).join('\n');
console.log(`total ${(total / 1000).toFixed(0)} ms\n--- self\n${top(selfT, +nSelf)}\n--- inclusive\n${top(incl, +nIncl)}`);
