/** Printing for the CLI: JSON when asked, plain text otherwise, progress bars only on a TTY. */
import { SingleBar } from 'cli-progress';

export type Out = {
  json: boolean;
  /** Colour is for people at a terminal: stdout a TTY, NO_COLOR unset, never with --json. */
  colour: boolean;
  /** Prints `data` as JSON with --json, else calls `human`. */
  result(data: unknown, human: () => void): void;
  line(text?: string): void;
  progress(label: string): { update(done: number, total: number): void; stop(): void };
};

/** @see https://no-color.org: NO_COLOR set to anything but "" turns colour off; so does TERM=dumb. */
export const useColour = (isTTY: boolean | undefined, env: NodeJS.ProcessEnv = process.env) =>
  isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';

export function createOut(json: boolean): Out {
  return {
    json,
    colour: !json && useColour(process.stdout.isTTY),
    result(data, human) {
      if (json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      else human();
    },
    line(text = '') {
      process.stdout.write(`${text}\n`);
    },
    progress(label) {
      if (json || !process.stderr.isTTY) return { update() {}, stop() {} };
      const bar = new SingleBar({
        format: `${label} [{bar}] {value}/{total} {percentage}% eta {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
      });
      let started = false;
      return {
        update(done, total) {
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.setTotal(total);
          bar.update(done);
        },
        stop() {
          if (started) bar.stop();
        },
      };
    },
  };
}

/** Fixed-width table for terminals; cells are escaped of control characters so names can't forge lines. */
export function table(rows: string[][]): string {
  const clean = rows.map((r) => r.map((c) => c.replace(/[\u0000-\u001f\u007f]/g, '?')));
  const widths =
    clean[0]?.map((_, i) => Math.max(...clean.map((r) => [...(r[i] ?? '')].length))) ?? [];
  return clean
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
