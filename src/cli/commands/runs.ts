/** runs list|show: what ran, what is held, what each operation did. */

import type { Command } from 'commander';
import { TenureError } from '../../domain/errors.js';
import { type GlobalOptions, withWorkspace } from '../context.js';
import { addExamples, type CommandExamples } from '../help-examples.js';
import { table } from '../output.js';

const EXAMPLES: CommandExamples = {
  'tenure runs': [
    'tenure -w tenure-demo runs list',
    'tenure -w tenure-demo runs show run_20261126T100000_a71955e2',
  ],
  'tenure runs list': [
    'tenure -w tenure-demo runs list',
    'tenure -w tenure-demo runs list --limit 5 --json',
  ],
  'tenure runs show': [
    'tenure -w tenure-demo runs show run_20261126T100000_a71955e2',
    'tenure -w tenure-demo runs show run_20261126T100000_a71955e2 --json',
  ],
};

export function registerRuns(program: Command, g: () => GlobalOptions): void {
  const runs = program.command('runs').description('sync runs and their operations');
  runs
    .command('list')
    .description('recent sync runs, newest first: status, trigger, actor, outcome summary')
    .option('--limit <n>', 'how many, newest first', '20')
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const rows = await ws.store.runs.list(Number(o.limit));
        out.result(rows, () =>
          out.line(
            table([
              ['RUN', 'STATUS', 'CREATED', 'TRIGGER', 'ACTOR', 'SUMMARY'],
              ...rows.map((r) => [
                r.id,
                r.status,
                r.created_at,
                r.trigger,
                r.actor,
                JSON.stringify(r.summary).slice(0, 80),
              ]),
            ]),
          ),
        );
      }),
    );
  runs
    .command('show <run-id>')
    .description("one run and each operation's outcome")
    .option('--json', 'machine-readable output')
    .action(async (id: string, o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const run = await ws.store.runs.get(id);
        if (!run) throw new TenureError('run.not_found', `no run "${id}"`);
        const ops = await ws.store.runs.operations(id);
        out.result({ run, operations: ops }, () => {
          out.line(
            `${run.id} ${run.status} (${run.trigger} by ${run.actor})${run.held_reason ? ` held: ${run.held_reason}` : ''}`,
          );
          out.line(
            table([
              ['#', 'STATUS', 'APP', 'OPERATION', 'ACCOUNT', 'MESSAGE'],
              ...ops.map((r) => [
                String(r.seq),
                r.status,
                r.op.app_id,
                r.op.kind,
                r.op.account_id,
                r.message ?? '',
              ]),
            ]),
          );
        });
      }),
    );
  addExamples(program, EXAMPLES);
}
