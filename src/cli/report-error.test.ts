import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { fromCommander, wantsJson } from './report-error.js';

describe('CLI failures', () => {
  it('--json asks for JSON errors, but not after `--` (there it is an argument)', () => {
    expect(wantsJson(['tasks', 'list', '--json'])).toBe(true);
    expect(wantsJson(['agents', 'revoke', '--', '--json'])).toBe(false);
    expect(wantsJson(['tasks', 'list'])).toBe(false);
  });

  it("commander's errors get cli.* codes; one it may add later is still a coded usage error", () => {
    const unknown = new CommanderError(1, 'commander.unknownOption', "error: unknown option '-x'");
    expect(fromCommander(unknown)).toEqual({
      code: 'cli.unknown_option',
      kind: 'invalid',
      message: "unknown option '-x'",
      details: {},
    });
    const later = new CommanderError(1, 'commander.somethingNew', 'error: new');
    expect(fromCommander(later).code).toBe('cli.bad_argument');
    expect(exitCodeFor(fromCommander(later).code)).toBe(EXIT.invalid);
  });

  it('kinds decide exit codes: not-found 2, conflict 7, halted 6, disk full 8, internal 1', () => {
    expect(exitCodeFor('agent.not_found')).toBe(EXIT.invalid);
    expect(exitCodeFor('task.not_found')).toBe(EXIT.invalid);
    expect(exitCodeFor('task.already_closed')).toBe(EXIT.conflict);
    expect(exitCodeFor('run.in_progress')).toBe(EXIT.conflict);
    expect(exitCodeFor('hr.snapshot_drop')).toBe(EXIT.halted);
    expect(exitCodeFor('store.disk_full')).toBe(EXIT.disk_full);
    expect(exitCodeFor('hr.vendor_unavailable')).toBe(EXIT.unavailable);
    expect(exitCodeFor('store.migration_failed')).toBe(EXIT.error);
  });
});
