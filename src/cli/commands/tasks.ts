/** tasks list|close: manual work in applications nobody can connect to. */
import type { Command } from 'commander';
import { TenureError } from '../../domain/errors.js';
import { checkpoint } from '../../engine/checkpoint.js';
import { closeTask } from '../../engine/tasks.js';
import { adminActor, type GlobalOptions, withWorkspace } from '../context.js';
import { table } from '../output.js';

export function registerTasks(program: Command, g: () => GlobalOptions): void {
  const tasks = program
    .command('tasks')
    .description('manual tasks (outcome pending_manual until closed)');
  tasks
    .command('list')
    .option('--all', 'include closed tasks')
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const rows = await ws.store.tasks.list(o.all ? undefined : 'open');
        out.result(rows, () => {
          out.line(
            table([
              ['ID', 'STATUS', 'APP', 'IDENTITY', 'TASK', 'CREATED', 'CLOSED BY'],
              ...rows.map((t) => [
                String(t.id),
                t.status,
                t.app_id,
                t.identity_id ?? '-',
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
    .command('close <id>')
    .requiredOption('--evidence <text>', 'what was done: ticket number, note, screenshot path')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const n = Number(id);
        if (!Number.isInteger(n) || n <= 0)
          throw new TenureError('cli.bad_task_id', `task id "${id}" is not a positive integer`);
        const task = await closeTask(ws, n, adminActor(g()), o.evidence);
        await checkpoint(ws);
        out.result(task, () =>
          out.line(`Task #${task.id} closed by ${task.closed_by} at ${task.closed_at}.`),
        );
      }),
    );
}
