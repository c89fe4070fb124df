/** Out of space on the CLI: `error [store.disk_full]` and exit 8, never "unexpected error" (1). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';
import { cliFor, initWorkspace, tempDir } from './run-cli.js';

const tmp = tempDir('disk-full');
afterAll(tmp.cleanup);

describe('a full disk', () => {
  it('store.disk_full exits 8', () => {
    expect(exitCodeFor('store.disk_full')).toBe(EXIT.disk_full);
    expect(EXIT.disk_full).toBe(8);
  });

  // /dev/full answers every write with ENOSPC: the export hits a full disk for real.
  it.skipIf(!existsSync('/dev/full'))(
    'audit export onto a full disk: exit 8 with the real cause',
    async () => {
      const cli = cliFor(initWorkspace(join(tmp.dir, 'ws')));
      const made = await cli(['users', 'create', 'boss', '--admin']);
      expect(made.code, made.why).toBe(0);
      const r = await cli(['audit', 'export', '--format', 'jsonl', '--out', '/dev/full']);
      expect(r.code, r.why).toBe(8);
      expect(r.stderr).toMatch(/^error \[store\.disk_full\]: out of space/);
      expect(r.stderr).not.toContain('unexpected error');
    },
  );
});
