// Reads test output on stdin, passes it through, and ends with one line that totals every
// vitest "Tests" line: "tests: N passed, N failed" (", N skipped" when some were).
import { createInterface } from 'node:readline';

const totals = { passed: 0, failed: 0, skipped: 0 };
const ansi = /\u001b\[[0-9;]*m/g;
for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(`${line}\n`);
  const plain = line.replace(ansi, '');
  if (!/\bTests\s+\d/.test(plain)) continue;
  for (const kind of Object.keys(totals)) {
    const match = new RegExp(`(\\d+) ${kind}`).exec(plain);
    if (match) totals[kind] += Number(match[1]);
  }
}
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed${skipped}\n`);
