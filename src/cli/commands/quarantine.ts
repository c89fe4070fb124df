/** quarantine list: HR rows rejected by the latest reads, critical (terminated) ones first. */

import type { Command } from 'commander';
import { TenureError } from '../../domain/errors.js';
import { listQuarantine } from '../../engine/sync/quarantine.js';
import { type GlobalOptions, withWorkspace } from '../context.js';
import { addExamples, type CommandExamples } from '../help-examples.js';
import { table } from '../output.js';
import { CRITICAL_NOTE } from '../quarantine-view.js';

function snapshotId(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,15}$/.test(value))
    throw new TenureError(
      'cli.bad_snapshot',
      `--snapshot ${JSON.stringify(value)} is not a snapshot id`,
    );
  return Number(value);
}

const EXAMPLES: CommandExamples = {
  'tenure quarantine': ['tenure -w tenure-demo quarantine list'],
  'tenure quarantine list': [
    'tenure -w tenure-demo quarantine list',
    'tenure -w tenure-demo quarantine list --source hr --json',
    'tenure -w tenure-demo quarantine list --snapshot 2',
  ],
};

export function registerQuarantine(program: Command, g: () => GlobalOptions): void {
  const quarantine = program
    .command('quarantine')
    .description('HR rows rejected by the latest reads: those people are unchanged until fixed');
  quarantine
    .command('list')
    .description('rejected rows: severity, source, snapshot, line, employee id, reason')
    .option('--source <id>', 'only this source')
    .option('--snapshot <id>', 'the rows of this snapshot (any age) instead of the latest reads')
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const sid = snapshotId(o.snapshot);
        const items = await listQuarantine(ws, {
          ...(o.source !== undefined && { sourceId: o.source }),
          ...(sid !== undefined && { snapshotId: sid }),
        });
        out.result(items, () => {
          if (items.length === 0) return out.line('No rows in quarantine.');
          out.line(
            table([
              ['SEVERITY', 'SOURCE', 'SNAPSHOT', 'ROW', 'EMPLOYEE', 'REASON'],
              ...items.map((q) => [
                q.severity === 'critical' ? 'CRITICAL' : 'error',
                q.source_id,
                String(q.snapshot_id),
                String(q.row),
                q.employee_id ?? '-',
                q.reason.length > 100 ? `${q.reason.slice(0, 100)}…` : q.reason,
              ]),
            ]),
          );
          const critical = items.filter((q) => q.severity === 'critical').length;
          if (critical > 0) out.line(`${critical} CRITICAL: the row ${CRITICAL_NOTE}.`);
        });
      }),
    );
  addExamples(program, EXAMPLES);
}
