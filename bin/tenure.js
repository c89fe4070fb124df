#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so a clone works without a build step.
import { register } from 'tsx/esm/api';

// A reader that went away (`tenure … | head`) is not our error.
for (const s of [process.stdout, process.stderr])
  s.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });
register();
const { main } = await import('../src/cli/main.ts');
const code = await main();
// process.exit() drops output still queued for a pipe (anything past its 64 KiB buffer when the
// reader is slower than us): wait until stdout and stderr have flushed everything written so far.
await Promise.all(
  [process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))),
);
process.exit(code);
