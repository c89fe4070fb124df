/** The "Examples:" section every command's --help ends with; each command file lists its own. */
import type { Command } from 'commander';

/** Invocations keyed by the full command path, e.g. `'tenure tasks close': ['tenure -w …']`. */
export type CommandExamples = Record<string, readonly string[]>;

/** The text after a command's help: a blank line, `Examples:`, one indented invocation a line. */
export const examplesText = (lines: readonly string[]) =>
  `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`;

/**
 * Adds each path's examples to its command under `program`. A path naming no command throws,
 * so renaming a command without moving its examples fails at start-up, not silently.
 */
export function addExamples(program: Command, examples: CommandExamples): void {
  for (const [path, lines] of Object.entries(examples)) {
    findCommand(program, path).addHelpText('after', examplesText(lines));
  }
}

function findCommand(program: Command, path: string): Command {
  const [root, ...names] = path.split(' ');
  if (root !== program.name())
    throw new Error(`examples for "${path}": not under ${program.name()}`);
  let cmd = program;
  for (const name of names) {
    const sub = cmd.commands.find((c) => c.name() === name);
    if (!sub) throw new Error(`examples for "${path}": no command "${name}" under "${cmd.name()}"`);
    cmd = sub;
  }
  return cmd;
}
