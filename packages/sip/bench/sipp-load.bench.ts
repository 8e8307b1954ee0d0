/**
 * Load benchmark: sipp uac against the SIP line (autoAnswer) over UDP and TCP, climbing a rate ladder
 * until a step has a failed call; each passing step is repeated against sipp's own uas at the same
 * rate, in the same run, so the figures are ratios and not machine-dependent absolutes. ≤ 2 min.
 */
import { SipLineSchema } from '../src/index.js';
import { createSipLine } from '../src/index.js';
import { freePort } from '../test/support/free-port.js';
import { startSipp } from '../test/support/sipp.js';
import { sleep } from '@callhook/test-support';
import { waitForTcp } from '../test/support/wait.js';
import { processCpuMs, runUacStep, type StepResult } from './sipp-step.js';

const RATES = [100, 200, 400, 600, 800];
const STEP_SECONDS = 3;
const HOLD_MS = 500;
const BUDGET_MS = 110_000;
const KEEP_UP_RATIO = 1.25;
const started = Date.now();

interface Row {
  transport: string;
  rate: number;
  line: StepResult & { cpuMsPerCall: number };
  baseline: (StepResult & { cpuMsPerCall: number }) | undefined;
}

async function lineStep(transport: 'udp' | 'tcp', rate: number): Promise<Row['line']> {
  const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', transport, autoAnswer: true }));
  await line.start();
  const cpuBefore = process.cpuUsage();
  try {
    const result = await runUacStep({ target: `127.0.0.1:${line.localAddress!.port}`, transport, rate, seconds: STEP_SECONDS, holdMs: HOLD_MS });
    const cpu = process.cpuUsage(cpuBefore);
    return { ...result, cpuMsPerCall: (cpu.user + cpu.system) / 1000 / result.calls };
  } finally {
    await line.stop();
  }
}

async function baselineStep(transport: 'udp' | 'tcp', rate: number): Promise<Row['line']> {
  const port = await freePort();
  const uas = startSipp(['-sn', 'uas', '-p', String(port), '-i', '127.0.0.1', ...(transport === 'tcp' ? ['-t', 't1'] : [])], (STEP_SECONDS + 25) * 1000);
  try {
    if (transport === 'tcp') await waitForTcp(port);
    else await sleep(200);
    const cpuBefore = processCpuMs(uas.pid);
    const result = await runUacStep({ target: `127.0.0.1:${port}`, transport, rate, seconds: STEP_SECONDS, holdMs: HOLD_MS });
    return { ...result, cpuMsPerCall: (processCpuMs(uas.pid) - cpuBefore) / result.calls };
  } finally {
    uas.kill();
    await uas.done;
  }
}

const passed = (result: StepResult) => result.exitCode === 0 && result.failed === 0 && result.successful === result.calls;

async function ladder(transport: 'udp' | 'tcp'): Promise<Row[]> {
  const rows: Row[] = [];
  for (const rate of RATES) {
    if (Date.now() - started > BUDGET_MS - 2 * (STEP_SECONDS + 4) * 1000) break;
    const line = await lineStep(transport, rate);
    const baseline = passed(line) ? await baselineStep(transport, rate) : undefined;
    rows.push({ transport, rate, line, baseline });
    console.log(
      `${transport} ${rate} cps: callhook ${line.successful}/${line.calls} ok, ${line.failed} failed${baseline ? `; sipp uas ${baseline.successful}/${baseline.calls}` : ''}`,
    );
    if (!passed(line)) break;
  }
  return rows;
}

const fmt = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

const rows = [...(await ladder('udp')), ...(await ladder('tcp'))];
console.log(`\nsipp uac → line (autoAnswer), ${STEP_SECONDS} s per step, calls held ${HOLD_MS} ms with 20 ms silence RTP from the line`);
console.log('transport  rate  callhook ok  mean call ms (callhook / sipp uas = ratio)  CPU ms per call (callhook / sipp uas = ratio)');
for (const { transport, rate, line, baseline } of rows) {
  const call = baseline
    ? `${fmt(line.meanCallMs)} / ${fmt(baseline.meanCallMs)} = ${fmt(line.meanCallMs / baseline.meanCallMs, 3)}`
    : `${fmt(line.meanCallMs)} / - `;
  const cpu = baseline
    ? `${fmt(line.cpuMsPerCall)} / ${fmt(baseline.cpuMsPerCall)} = ${fmt(line.cpuMsPerCall / baseline.cpuMsPerCall)}`
    : `${fmt(line.cpuMsPerCall)} / -`;
  console.log(`${transport.padEnd(9)}  ${String(rate).padStart(4)}  ${`${line.successful}/${line.calls}`.padStart(11)}  ${call.padEnd(42)}  ${cpu}`);
}
// Zero failures alone hides saturation (sipp waits patiently), so also report where the line keeps pace.
const keepsUp = (row: Row) => passed(row.line) && row.baseline !== undefined && row.line.meanCallMs <= KEEP_UP_RATIO * row.baseline.meanCallMs;
for (const transport of ['udp', 'tcp']) {
  const best = rows.filter((row) => row.transport === transport && passed(row.line)).at(-1);
  const paced = rows.filter((row) => row.transport === transport && keepsUp(row)).at(-1);
  console.log(
    `${transport}: highest rate with 0 failed calls: ${best ? `${best.rate} cps` : 'none'}${best?.rate === RATES.at(-1) ? ' (top of the ladder)' : ''}; ` +
      `highest rate with mean call length within ${KEEP_UP_RATIO}× sipp uas: ${paced ? `${paced.rate} cps` : 'none'}`,
  );
}
console.log(`bench took ${((Date.now() - started) / 1000).toFixed(1)} s`);
