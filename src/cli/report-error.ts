/**
 * How the CLI reports a failure: `error [code]: message` on stderr always, and with `--json` also
 * `{"error": {code, kind, message, details}}` on stdout, so a script reading stdout gets JSON
 * either way. The exit code comes from the code's kind (exit-codes.ts).
 */
import type { CommanderError } from 'commander';
import { type ErrorCode, type ErrorKind, kindOf } from '../domain/error-codes.js';
import { exitCodeFor } from './exit-codes.js';

export type CliFailure = {
  code: ErrorCode;
  kind: ErrorKind;
  message: string;
  details: Record<string, unknown>;
};

export const failure = (
  code: ErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): CliFailure => ({ code, kind: kindOf(code), message, details });

/** Commander's own usage errors, under the project's codes (all of kind `invalid`, exit 2). */
const COMMANDER_CODES: Record<string, ErrorCode> = {
  'commander.unknownOption': 'cli.unknown_option',
  'commander.unknownCommand': 'cli.unknown_command',
  'commander.help': 'cli.missing_command',
  'commander.missingArgument': 'cli.missing_argument',
  'commander.optionMissingArgument': 'cli.missing_option_value',
  'commander.missingMandatoryOptionValue': 'cli.missing_option_value',
  'commander.excessArguments': 'cli.excess_arguments',
};

export const fromCommander = (e: CommanderError): CliFailure =>
  e.code === 'commander.help'
    ? failure('cli.missing_command', 'a command is required (see the list above)')
    : failure(COMMANDER_CODES[e.code] ?? 'cli.bad_argument', e.message.replace(/^error: /, ''));

/** `--json` anywhere before a `--` asks for machine-readable output, errors included. */
export const wantsJson = (args: readonly string[]): boolean => {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
};

export function reportFailure(
  f: CliFailure,
  json: boolean,
  human = `error [${f.code}]: ${f.message}`,
) {
  process.stderr.write(`${human}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ error: f })}\n`);
  return exitCodeFor(f.code);
}
