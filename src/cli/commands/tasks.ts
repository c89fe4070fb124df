/** tasks list|close: manual work in applications nobody can connect to. */

import type { Command } from 'commander';
import { TenureError } from '../../domain/errors.js';
import { checkpoint } from '../../engine/audit/checkpoint.js';
import { closeTasks, openTaskIdsFor } from '../../engine/tasks/close-tasks.js';
import { withHolderNames } from '../../engine/tasks/task-holders.js';
import { closeTask } from '../../engine/tasks/tasks.js';
import type { TaskRow } from '../../store/types.js';
import { adminActor, type GlobalOptions, withWorkspace } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { addExamples, type CommandExamples } from '../help-examples.js';
import { table } from '../output.js';

const EXAMPLES: CommandExamples = {
  'tenure tasks': [
    'tenure -w tenure-demo tasks list',
    'tenure -w tenure-demo tasks close 571 --evidence "HELP-1234: payroll account disabled"',
  ],
  'tenure tasks list': [
    'tenure -w tenure-demo tasks list',
    'tenure -w tenure-demo tasks list --all --json',
  ],
  'tenure tasks close': [
    'tenure -w tenure-demo tasks close 571 --evidence "HELP-1234: payroll account disabled"',
    'tenure -w tenure-demo tasks close 571 572 --evidence "HELP-1240" --json',
    'tenure -w tenure-demo --as alice tasks close --all-for E1088 --evidence "leaver checklist done"',
  ],
};

export function registerTasks(program: Command, g: () => GlobalOptions): void {
  const tasks = program
    .command('tasks')
    .description('manual tasks (outcome pending_manual until closed)');
  tasks
    .command('list')
    .description(
      'open manual tasks (all with --all): holder, status, application, assignee, what to do',
    )
    .option('--all', 'include closed tasks')
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const rows = await withHolderNames(
          ws.store,
          await ws.store.tasks.list(o.all ? undefined : 'open'),
        );
        out.result(rows, () => {
          out.line(
            table([
              [
                'ID',
                'HOLDER',
                'STATUS',
                'APP',
                'IDENTITY',
                'ASSIGNEE',
                'TASK',
                'CREATED',
                'CLOSED BY',
              ],
              ...rows.map((t) => [
                String(t.id),
                t.identity_name ?? '-',
                t.status,
                t.app_id,
                t.identity_id ?? '-',
                t.assignee ?? '-',
                t.summary,
                t.created_at,
                t.closed_by ?? '',
              ]),
            ]),
          );
          out.line(`${rows.length} ${o.all ? '' : 'open '}tasks`);
        });
      }),
    );
  tasks
    .command('close [ids...]')
    .description('close tasks with evidence: one id, several ids, or --all-for <identity>')
    .requiredOption('--evidence <text>', 'what was done: ticket number, note, screenshot path')
    .option('--all-for <identity>', 'every open task of this identity')
    .option('--json', 'machine-readable output')
    .action(async (ids: string[], o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const numbers = ids.map(taskId);
        if (numbers.length > 0 === (o.allFor !== undefined))
          throw new TenureError(
            'cli.bad_task_id',
            'give task ids or --all-for <identity>, not both and not neither',
          );
        if (numbers.length === 1) {
          // One id keeps its original shape: the task itself, and its error as the command's.
          const task = await closeTask(ws, numbers[0]!, adminActor(g()), o.evidence);
          await checkpoint(ws);
          out.result(task, () => out.line(closedLine(task)));
          return;
        }
        const chosen = numbers.length > 0 ? numbers : await openTaskIdsFor(ws, o.allFor);
        const outcome = await closeTasks(ws, chosen, adminActor(g()), o.evidence);
        if (outcome.closed.length > 0) await checkpoint(ws);
        out.result(outcome, () => {
          for (const task of outcome.closed) out.line(closedLine(task));
          for (const f of outcome.failed) process.stderr.write(`error [${f.code}]: ${f.message}\n`);
          out.line(`${outcome.closed.length} closed, ${outcome.failed.length} not closed.`);
        });
        if (outcome.failed.length > 0)
          process.exitCode = outcome.closed.length > 0 ? EXIT.partial : EXIT.invalid;
      }),
    );
  addExamples(program, EXAMPLES);
}

const closedLine = (task: TaskRow) =>
  `Task #${task.id} closed by ${task.closed_by} at ${task.closed_at}.`;

function taskId(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new TenureError('cli.bad_task_id', `task id "${text}" is not a positive integer`);
  return n;
}
