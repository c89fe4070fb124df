/**
 * The README's first hour, typed as written: every `npx tenure …` line of its command blocks runs
 * (this checkout's bin/tenure.js, as npx runs it) in order against a fresh demo, on the demo's own
 * clock, and must exit 0 with output that is no dead end. A line it does not run says why here;
 * a line of any other kind fails the test, so a new README command cannot escape it.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, REPO_DIR, tempDir, tenure } from './run-cli.js';

/** Lines of the blocks not run here, and why. */
const NOT_RUN: [RegExp, string][] = [
  [/^npm ci$/, 'installs the dependencies: done already, or no test would run'],
  [/^npm start\b/, 'serves until Ctrl-C: package-scripts.test.ts runs npm start -- --port'],
  [/^npm run demo$/, 'package-scripts.test.ts runs it; the demo below is the same command'],
  [/^curl /, 'needs the server of npm start: test/http covers the API'],
  [/^\$EDITOR /, 'a person editing a file'],
];

/** What the README says a command shows, beyond "exit 0 and some output". */
const CLAIMS: [RegExp, (m: RegExpMatchArray) => RegExp][] = [
  [
    /^-w tenure-demo identities show (\S+)/,
    (m) => new RegExp(`^${m[1]} .*\\n[\\s\\S]*\\bmover\\b`),
  ],
  [/^-w tenure-demo tasks close (\d+)/, (m) => new RegExp(`^Task #${m[1]} closed by `)],
  [/^-w tenure-demo plan$/, () => /^No changes: /],
  [
    /^-w tenure-demo access --at \S+ --identity (\S+)/,
    (m) => new RegExp(`^${m[1]} [\\s\\S]*\\n[1-9]\\d* holdings at `, 'm'),
  ],
  [/^-w tenure-demo audit verify$/, () => /^Audit trail intact: /],
];

/** A summary line saying there was nothing to show: the dead end a wrong id or clock leads to. */
const NOTHING = /^0 (holdings|identities|open tasks|tasks|events)\b/m;

/** Shell words of one line: '…' and "…" quoting; a # after a space starts a comment. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === '#' && word === undefined) break;
    else word = (word ?? '') + ch;
  }
  if (quote) throw new Error(`README line with an unclosed ${quote}: ${line}`);
  if (word !== undefined) words.push(word);
  return words;
}

/** The command lines of the ```sh blocks of one README section. */
function sectionLines(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```/gm)]
    .flatMap((m) => m[1]!.split('\n'))
    .map((l) => l.trim())
    .filter(Boolean);
}

const lines = sectionLines(readFileSync(join(REPO_DIR, 'README.md'), 'utf8'), 'The first hour');
const commands = lines
  .map(shellWords)
  .filter((w) => w[0] === 'npx' && w[1] === 'tenure')
  .map((w) => w.slice(2));
const unclassified = lines.filter((l) => {
  const command = shellWords(l).join(' ');
  return !command.startsWith('npx tenure ') && !NOT_RUN.some(([re]) => re.test(command));
});

const tmp = tempDir('readme');
let demo: CliResult;
beforeAll(async () => {
  // `npm run demo`, in the folder the README's commands then run in.
  demo = await tenure(['demo', 'tenure-demo'], { cwd: tmp.dir });
});
afterAll(tmp.cleanup);

describe('README: the first hour', () => {
  it('has commands to run, and every other line of its blocks is one this test knows', () => {
    expect(demo.code, demo.why).toBe(0);
    expect(commands.length).toBeGreaterThanOrEqual(15);
    expect(commands.filter((c) => c[1] === 'tenure-demo').length).toBeGreaterThanOrEqual(8);
    expect(unclassified, 'README lines neither run nor listed in NOT_RUN').toEqual([]);
  });

  // In order: the task is closed before `plan`, acme is made before it is imported.
  it.each(commands.map((args) => [args.join(' '), args] as const))(
    'npx tenure %s',
    async (command, args) => {
      const r = await tenure(args, { cwd: tmp.dir });
      expect(r.code, r.why).toBe(0);
      // Some commands report on stderr (an export: its file is the output).
      expect(`${r.stdout}${r.stderr}`.trim(), r.why).not.toBe('');
      const out = command.match(/ --out (\S+)/)?.[1];
      if (out) expect(statSync(join(tmp.dir, out)).size, r.why).toBeGreaterThan(0);
      expect(r.stdout, r.why).not.toMatch(NOTHING);
      for (const [re, expected] of CLAIMS) {
        const m = command.match(re);
        if (m) expect(r.stdout, r.why).toMatch(expected(m));
      }
    },
  );
});

describe('shellWords', () => {
  it('keeps quoted words whole and drops comments', () => {
    expect(shellWords(`tasks close 3 --evidence "Disabled, PAY-1" # why`)).toEqual([
      'tasks',
      'close',
      '3',
      '--evidence',
      'Disabled, PAY-1',
    ]);
    expect(shellWords(`a 'b # c' d#e  # comment`)).toEqual(['a', 'b # c', 'd#e']);
  });
});
