/** Reads examples/demo/hr/CHANGES.md so tests check the demo against the same list a person reads. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_DIR } from './workspace.js';

export type DemoChanges = Record<
  'joiners' | 'movers' | 'leavers' | 'rehires',
  { id: string; what: string }[]
>;

export function demoChanges(): DemoChanges {
  const text = readFileSync(join(DEMO_DIR, 'hr', 'CHANGES.md'), 'utf8');
  const out: DemoChanges = { joiners: [], movers: [], leavers: [], rehires: [] };
  let section: keyof DemoChanges | undefined;
  for (const line of text.split('\n')) {
    const heading = /^## (\w+)/.exec(line)?.[1]?.toLowerCase();
    if (heading) section = heading in out ? (heading as keyof DemoChanges) : undefined;
    const row = /^\| (E\d+) \| [^|]* \| (.*) \|$/.exec(line);
    if (section && row) out[section].push({ id: row[1]!, what: row[2]! });
  }
  return out;
}
