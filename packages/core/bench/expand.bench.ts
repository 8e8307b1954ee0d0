/**
 * Expansion of the spec's full 13-placeholder example URL: the compiled engine against a naive
 * baseline (one replaceAll per placeholder with encodeURIComponent), measured in the same run on
 * the same values. Prints both rates and their ratio; never asserts a time.
 */
import { compileTemplate, ExpansionContext, expansionContext, PLACEHOLDERS, SPEC_EXAMPLE_CALL } from '../src/index.js';

const call = SPEC_EXAMPLE_CALL;
const SPEC_NAMES = PLACEHOLDERS.filter((name) => name !== 'call_disposition');
const template = `http://127.0.0.1:9000/callhook.php?${SPEC_NAMES.map((name) => `${name}=<$${name}>`).join('&')}`;
const values = expansionContext({ action: 'inbound', call, at: Date.parse(call.createdAt) });
const raw = Object.fromEntries(SPEC_NAMES.map((name) => [name, values.value(name)]));

function naive(): string {
  let out = template;
  for (const name of SPEC_NAMES) out = out.replaceAll(`<$${name}>`, encodeURIComponent(raw[name]!));
  return out;
}

const compiled = compileTemplate(template);
/** A fresh context per expansion, so nothing is cached across iterations. */
function engine(): string {
  return compiled.expand(expansionContext({ action: 'inbound', call, at: 0 }));
}
const sharedContextValues = values.raw;
function engineExpandOnly(): string {
  return compiled.expand(new ExpansionContext(sharedContextValues));
}

if (engine().replace(/call_created_time=[^&]+/, '') !== naive().replace(/call_created_time=[^&]+/, '')) throw new Error('engine and baseline disagree');
if (engineExpandOnly() !== naive()) throw new Error('engine and baseline disagree');

let sink = 0;
function rate(fn: () => string, ms: number): number {
  for (let i = 0; i < 20_000; i++) sink += fn().length;
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 2_000; i++) sink += fn().length;
    n += 2_000;
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}

const rounds = 3;
const results = { naive: 0, expand: 0, endToEnd: 0 };
for (let r = 0; r < rounds; r++) {
  results.naive = Math.max(results.naive, rate(naive, 500));
  results.expand = Math.max(results.expand, rate(engineExpandOnly, 500));
  results.endToEnd = Math.max(results.endToEnd, rate(engine, 500));
}
const fmt = (n: number): string => `${(n / 1e6).toFixed(2)} M/s`;
console.log(`template: ${template.length} chars, ${SPEC_NAMES.length} placeholders`);
console.log(`naive baseline (replaceAll + encodeURIComponent): ${fmt(results.naive)}`);
console.log(`compiled engine, expansion:                        ${fmt(results.expand)}  ratio ${(results.expand / results.naive).toFixed(1)}x`);
console.log(`compiled engine, incl. computing the values:       ${fmt(results.endToEnd)}  ratio ${(results.endToEnd / results.naive).toFixed(1)}x`);
if (sink === 0) console.log('');
