/** Every command's --help has a one-line description and ends with examples that still parse. */
import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './main.js';

const program = buildProgram();

function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}

const pathOf = (cmd: Command): string =>
  cmd.parent ? `${pathOf(cmd.parent)} ${cmd.name()}` : cmd.name();

/** What `tenure <cmd> --help` prints, the after-help text included. */
function helpOf(cmd: Command): string {
  let text = '';
  cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}

function examplesIn(help: string): string[] {
  const [, section] = help.split(/^Examples:$/m);
  return (section ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Shell words, quotes removed; stops at a redirection or pipe, which is the shell's, not ours. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    const word = m[1] ?? m[2] ?? m[3] ?? '';
    if (m[3] !== undefined && /^(<|>|\||&&|;)/.test(word)) break;
    out.push(word);
  }
  return out;
}

type Parsed = { cmd: Command; flags: Option[]; args: string[]; problems: string[] };

/** Walks an example as commander would: options of the command or its ancestors, then words. */
function parseExample(line: string): Parsed {
  const [first, ...rest] = words(line);
  const p: Parsed = { cmd: program, flags: [], args: [], problems: [] };
  if (first !== 'tenure') p.problems.push('does not start with "tenure"');
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] ?? '';
    if (word.startsWith('-') && word !== '-') {
      const [flag] = word.split('=');
      const known = chain(p.cmd)
        .flatMap((c) => c.options)
        .find((o) => o.short === flag || o.long === flag);
      if (!known) p.problems.push(`${flag} is not an option of "${pathOf(p.cmd)}"`);
      else {
        p.flags.push(known);
        const takesValue = known.required || (known.optional && !rest[i + 1]?.startsWith('-'));
        if (takesValue && !word.includes('=') && rest[i + 1] !== undefined) i++;
      }
      continue;
    }
    const sub = p.args.length === 0 && p.cmd.commands.find((c) => c.name() === word);
    if (sub) p.cmd = sub;
    else p.args.push(word);
  }
  return p;
}

const chain = (cmd: Command): Command[] => (cmd.parent ? [cmd, ...chain(cmd.parent)] : [cmd]);

describe('tenure --help', () => {
  const commands = allCommands(program);

  it('walks the whole tree', () => {
    const paths = commands.map(pathOf);
    for (const p of ['tenure', 'tenure tasks close', 'tenure audit verify', 'tenure agents revoke'])
      expect(paths).toContain(p);
  });

  describe.each(commands.map((c) => [pathOf(c), c] as const))('%s', (path, cmd) => {
    it('has a one-line description', () => {
      expect(cmd.description().trim()).not.toBe('');
      expect(cmd.description()).not.toContain('\n');
    });

    it('ends with examples of itself, each using real flags and the arguments it needs', () => {
      const help = helpOf(cmd);
      expect(help).toContain(cmd.helpInformation());
      const examples = examplesIn(help);
      expect(examples.length, `${path} --help has no "Examples:" lines`).toBeGreaterThan(0);
      for (const line of examples) {
        const p = parseExample(line);
        expect(p.problems, line).toEqual([]);
        expect(chain(p.cmd), `${line} runs "${pathOf(p.cmd)}", not "${path}"`).toContain(cmd);
        if (p.cmd.commands.length > 0) continue; // a group's example runs one of its commands
        for (const o of p.cmd.options.filter((o) => o.mandatory))
          expect(p.flags, `${line} lacks ${o.long}`).toContain(o);
        const declared = p.cmd.registeredArguments;
        const needed = declared.filter((a) => a.required).length;
        expect(p.args.length, `${line}: arguments`).toBeGreaterThanOrEqual(needed);
        if (!declared.some((a) => a.variadic))
          expect(p.args.length, `${line}: arguments`).toBeLessThanOrEqual(declared.length);
      }
    });
  });
});
