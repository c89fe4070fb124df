/** import, plan, apply, run: the sync verbs. */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { TenureError } from '../../domain/errors.js';
import type { PreparedRun } from '../../engine/runs/prepare-run.js';
import {
  type ApplyOutcome,
  applyRun,
  approveRun,
  fullRun,
  previewRun,
} from '../../engine/runs/runs.js';
import { applySavedPlan, parseSavedPlan, savePlan } from '../../engine/runs/saved-plan.js';
import { importSource } from '../../engine/sync/import-source.js';
import type { ImportSummary } from '../../engine/sync/save-import.js';
import { adminActor, type GlobalOptions, withWorkspace } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { addExamples, type CommandExamples } from '../help-examples.js';
import type { Out } from '../output.js';
import { renderFailures } from '../plan-format.js';
import {
  FAILURE_ROWS,
  outcomeJson,
  PLAN_ROWS,
  planJson,
  printOutcome,
  printPlan,
} from '../plan-view.js';
import { rejectionLine } from '../quarantine-view.js';

type Globals = () => GlobalOptions;
const collect = (v: string, prev: string[] = []) => [...prev, v];
const ALL_HELP = `every planned change and every failure, not only the first ${PLAN_ROWS} and ${FAILURE_ROWS}`;

export function printImport(out: Out, s: ImportSummary): void {
  out.line(
    `Imported ${s.file}: ${s.rows} rows, ${s.accepted} accepted, ${s.rejected.length} rejected, ${s.unchanged} unchanged.`,
  );
  if (s.delta)
    out.line(
      s.delta.since === null
        ? `  no watermark yet: read everyone; next --changed starts at ${s.delta.watermark}`
        : `  changed since ${s.delta.since}: ${s.delta.changed} (${s.delta.not_found.length} no longer known); next from ${s.delta.watermark}`,
    );
  const events = Object.entries(s.events);
  if (events.length > 0) out.line(`  events: ${events.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  for (const r of s.rejected) out.line(`  ${rejectionLine(r)}`);
  for (const w of s.warnings) out.line(`  warning row ${w.row} (${w.employee_id}): ${w.message}`);
}

function readPlanFile(file: string): string {
  try {
    return readFileSync(resolve(file), 'utf8');
  } catch (e) {
    throw new TenureError(
      'cli.plan_file',
      `${file}: cannot read the saved plan (${(e as Error).message})`,
    );
  }
}

const exitFor = (r: ApplyOutcome) =>
  r.status === 'held' ? EXIT.held : (r.execution?.failure ?? 0) > 0 ? EXIT.partial : EXIT.ok;

/** Held and partial runs keep their own codes; a clean run with quarantined rows exits 9. */
const withQuarantine = (code: number, imports: readonly ImportSummary[]) =>
  code === EXIT.ok && imports.some((s) => s.rejected.length > 0) ? EXIT.quarantined : code;

export function registerSync(program: Command, g: Globals): void {
  program
    .command('import')
    .description('read an HR snapshot: validate, quarantine bad rows, record lifecycle events')
    .option('--source <id>', 'source id from tenure.yaml (default: the first)')
    .option('--file <path>', 'read this file instead of the configured path')
    .option(
      '--changed',
      'only the people changed since the last read (HR systems with a changed-since API: bamboohr)',
    )
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const s = await importSource(ws, {
          sourceId: o.source,
          file: o.file,
          changed: o.changed === true,
        });
        out.result(s, () => printImport(out, s));
        process.exitCode = withQuarantine(EXIT.ok, [s]);
      }),
    );

  program
    .command('plan')
    .description('show exactly what "tenure apply" would do; changes nothing')
    .option('--identity <id>', 'plan for this identity only (repeatable)', collect)
    .option('--all', `every change, not only the first ${PLAN_ROWS}`)
    .option('--json', 'machine-readable output (every operation)')
    .option('--out <file>', 'also save the plan: "tenure apply <file>" applies exactly it')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const scope = { identityIds: o.identity };
        // Sealing hashes every operation: only when the plan is saved.
        let plan: PreparedRun;
        if (o.out) {
          const made = await savePlan(ws, scope);
          plan = made.plan;
          writeFileSync(resolve(o.out), `${JSON.stringify(made.saved, null, 2)}\n`);
        } else plan = await previewRun(ws, scope);
        out.result(planJson(plan), () => {
          printPlan(out, plan, { all: o.all });
          if (o.out)
            out.line(`Saved the plan to ${o.out}: apply exactly it with "tenure apply ${o.out}".`);
        });
        if (plan.gate.held) process.exitCode = EXIT.held;
      }),
    );

  program
    .command('apply [plan-file]')
    .description(
      'execute the plan, or exactly a saved one (held by the safety gate when it deprovisions too much)',
    )
    .option('--dry-run', 'compute and show the plan, execute nothing')
    .option('--approve <run-id>', 'release a run held by the safety gate')
    .option('--identity <id>', 'apply for this identity only (repeatable)', collect)
    .option('--all', ALL_HELP)
    .option('--json', 'machine-readable output')
    .action(async (planFile: string | undefined, o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        if (planFile && (o.dryRun || o.approve || o.identity))
          throw new TenureError(
            'cli.saved_plan_options',
            'a saved plan is applied as it is: --dry-run, --approve and --identity do not combine with a plan file',
          );
        const bar = out.progress('apply');
        try {
          if (planFile) {
            const saved = parseSavedPlan(readPlanFile(planFile), planFile);
            const r = await applySavedPlan(ws, saved, {
              actor: adminActor(g()),
              trigger: 'cli:apply',
              onProgress: bar.update,
            });
            bar.stop();
            out.result(outcomeJson(r), () => printOutcome(out, r, { all: o.all }));
            process.exitCode = exitFor(r);
            return;
          }
          if (o.approve) {
            const r = await approveRun(ws, o.approve, adminActor(g()), bar.update);
            bar.stop();
            const e = r.execution;
            out.result(r, () => {
              out.line(
                `Run ${r.run_id} approved: ${e.success} succeeded, ${e.failure} failed, ${e.pending_manual} pending manual action.`,
              );
              for (const l of renderFailures(e.failures, o.all ? undefined : FAILURE_ROWS))
                out.line(l);
            });
            if (e.failure > 0) process.exitCode = EXIT.partial;
            return;
          }
          const r = await applyRun(ws, {
            dryRun: o.dryRun,
            identityIds: o.identity,
            actor: adminActor(g()),
            trigger: 'cli:apply',
            onProgress: bar.update,
          });
          bar.stop();
          out.result(outcomeJson(r), () => printOutcome(out, r, { all: o.all }));
          process.exitCode = exitFor(r);
        } finally {
          bar.stop();
        }
      }),
    );

  program
    .command('run')
    .description('import every source, then plan and apply: the scheduled job')
    .option('--file <path>', 'HR file for the first source instead of the configured path')
    .option('--all', ALL_HELP)
    .option('--json', 'machine-readable output')
    .action(async (o) =>
      withWorkspace({ ...g(), json: o.json }, async (ws, out) => {
        const bar = out.progress('apply');
        const imports = o.file ? [{ sourceId: ws.config.sources[0]!.id, file: o.file }] : undefined;
        const r = await fullRun(ws, {
          imports,
          actor: adminActor(g()),
          trigger: 'cli:run',
          onProgress: bar.update,
        });
        bar.stop();
        out.result({ imports: r.imports, ...outcomeJson(r.apply) }, () => {
          for (const s of r.imports) printImport(out, s);
          printOutcome(out, r.apply, { all: o.all });
        });
        process.exitCode = withQuarantine(exitFor(r.apply), r.imports);
      }),
    );
  addExamples(program, EXAMPLES);
}

const EXAMPLES: CommandExamples = {
  'tenure import': [
    'tenure -w tenure-demo import',
    'tenure -w tenure-demo import --source hr --file hr/employees-next.csv --json',
  ],
  'tenure plan': [
    'tenure -w tenure-demo plan',
    'tenure -w tenure-demo plan --identity E1015 --identity E1088',
    'tenure -w tenure-demo plan --all --json',
    'tenure -w tenure-demo plan --out plan.json',
  ],
  'tenure apply': [
    'tenure -w tenure-demo apply plan.json',
    'tenure -w tenure-demo apply --identity E1015',
    'tenure -w tenure-demo --as alice apply --approve run_20261126T100000_a71955e2',
  ],
  'tenure run': [
    'tenure -w tenure-demo run',
    'tenure -w tenure-demo run --file hr/employees-next.csv --all --json',
  ],
};
