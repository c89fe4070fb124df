/**
 * The one shape every bench figure is reported in, and its two renderings (a table, or JSON with
 * `BENCH_JSON=1`). Each figure stands beside the raw limit measured in the same run where one
 * exists: on a shared, noisy machine the ratio is the figure that means something.
 */

export type Row = {
  name: string;
  /** Ours, with its unit. */
  figure: string;
  /** The raw limit measured in the same run (what the bare tool or library does), or null. */
  raw: string | null;
  /** Ours as a share of the raw limit's speed: 1.0 = as fast as the bare tool. Null without one. */
  ratio: number | null;
  target: string;
  /** Whether the target is met; null when the row is information only. */
  ok: boolean | null;
};

/** Time ratio as a speed ratio: raw took `rawS`, ours `oursS` — ≥ 1 when ours is no slower. */
export const speedRatio = (rawS: number, oursS: number): number => round2(rawS / oursS);
export const round2 = (x: number): number => Math.round(x * 100) / 100;

const COLUMNS = ['benchmark', 'measured', 'raw limit (same run)', 'ratio', 'target', 'result'];

const cells = (r: Row): string[] => [
  r.name,
  r.figure,
  r.raw ?? '',
  r.ratio === null ? '' : r.ratio.toFixed(2),
  r.target,
  r.ok === null ? '' : r.ok ? 'ok' : 'MISSED',
];

/** A Markdown table: pastes into an issue or docs/benchmarks.md as it is. */
export function formatTable(rows: readonly Row[]): string {
  const all = [COLUMNS, ...rows.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(COLUMNS), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`]
    .concat(rows.map((r) => line(cells(r))))
    .join('\n');
}
