// The test command's closing line, "N passed, N failed", summed over vitest's JSON reports (one per
// pass: Node 20, Node 24). Nothing may make a broken pass look green, so each of these counts as
// one failure: a report that is missing or unreadable, a pass that ran no test, and a test file
// that failed without a failing test (it did not load, or a hook threw).
// Usage: node scripts/test-summary.mjs <report.json>...   exit 1 when anything counted as failed.
import { readFileSync } from 'node:fs';

/** @param {string} file @returns {{ passed: number, failed: number }} */
function countReport(file) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`test-summary: ${file}: no readable report (${e.message}): counted as 1 failure`);
    return { passed: 0, failed: 1 };
  }
  const passed = Number(report.numPassedTests) || 0;
  let failed = Number(report.numFailedTests) || 0;
  const brokenFiles = (report.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((t) => t.status === 'failed'),
  );
  for (const f of brokenFiles)
    console.error(`test-summary: ${f.name} failed outside its tests: counted as 1 failure`);
  failed += brokenFiles.length;
  if (!(Number(report.numTotalTests) > 0)) {
    console.error(`test-summary: ${file}: ran no test: counted as 1 failure`);
    failed += 1;
  }
  return { passed, failed };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/test-summary.mjs <report.json>...');
  process.exit(2);
}
let passed = 0;
let failed = 0;
for (const file of files) {
  const r = countReport(file);
  passed += r.passed;
  failed += r.failed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
