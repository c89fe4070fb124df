// Writes the static checks' outcome (type check, lint) as a report in the shape of vitest's JSON
// reporter, so scripts/test-summary.mjs counts each check as one passed or one failed test.
// Usage: node scripts/static-report.mjs <out.json> "<name>=<exit code>"...   exit 1 if any failed.
import { writeFileSync } from 'node:fs';

const [out, ...checks] = process.argv.slice(2);
if (!out || checks.length === 0) {
  console.error('usage: node scripts/static-report.mjs <out.json> "<name>=<exit code>"...');
  process.exit(2);
}
const results = checks.map((c) => {
  const at = c.lastIndexOf('=');
  const name = c.slice(0, at);
  const rc = Number(c.slice(at + 1));
  return { name, ok: at > 0 && rc === 0 };
});
for (const r of results) if (!r.ok) console.error(`static checks: ${r.name} failed`);
const failed = results.filter((r) => !r.ok).length;
writeFileSync(
  out,
  JSON.stringify({
    numTotalTests: results.length,
    numPassedTests: results.length - failed,
    numFailedTests: failed,
    testResults: [
      {
        name: 'static checks',
        status: failed ? 'failed' : 'passed',
        assertionResults: results.map((r) => ({
          title: r.name,
          status: r.ok ? 'passed' : 'failed',
        })),
      },
    ],
  }),
);
process.exitCode = failed ? 1 : 0;
