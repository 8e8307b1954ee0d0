import { mkdirSync, writeFileSync } from 'node:fs';
import { benchDeliveryPipeline } from './delivery-pipeline.js';
import { benchJournalCpu } from './journal-cpu.js';
import { benchJournalOutbox } from './journal-outbox.js';
import { benchMalformedFlood } from './malformed-flood.js';
import { benchPipelineCpu } from './pipeline-cpu.js';

/** Runs every server benchmark once; prints tables and writes artifacts/bench-server.json. Ratios only, no timed assertions. */
const results = [];
const only = process.argv[2];
for (const bench of [benchDeliveryPipeline, benchJournalOutbox, benchJournalCpu, benchPipelineCpu, benchMalformedFlood].filter(
  (b) => !only || b.name.toLowerCase().includes(only),
)) {
  const result = await bench();
  console.log(`\n${result.name}  (${result.target})`);
  console.table(result.rows);
  results.push(result);
}
mkdirSync('artifacts', { recursive: true });
writeFileSync('artifacts/bench-server.json', `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
