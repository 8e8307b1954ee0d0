/**
 * CPU per call, side by side in one run: sipp's uac offers the same bounded number of calls at the same
 * rates to (a) `callhook serve` with the SIP line (autoAnswer, journal, three Action URLs counted at a
 * loopback receiver), (b) baresip auto-answering with an 8 kHz WAV as its microphone (aufile, so both
 * send RTP; no sound card — `alsa,null` would spin device threads and measure the device) and (c) sipp's
 * own uas (signalling only). CPU is user + system time of the answering process from /proc/<pid>/stat
 * over the calls, so a loaded, shared machine changes wall time but not the figure much. A fresh
 * answering process per step. No assertions.
 *
 * BENCH_CPU_RATES (default 100,200), BENCH_CPU_CALLS (default 2000 per step), BENCH_CPU_REPEAT (1),
 * BENCH_CPU_ONLY (callhook,baresip,sipp; `floor` adds the floor below without the rest of BENCH_CPU_PIPELINE,
 * and the ratios gain floor + GETs ÷ baresip: how near any Node process doing this exchange gets), BENCH_CPU_PROF=<dir>: write V8 CPU profiles of each serve run (a
 * directory per run, a file per thread: the main thread and the journal worker),
 * BENCH_CPU_BASELINE=<label>=[NAME=value …] <another build's apps/cli/dist/main.js>[,…]: also run those builds
 * in each step, to compare before and after in the same run (the first is the baseline of the ratios), each
 * with those environment variables (e.g. `MALLOC_MMAP_THRESHOLD_=131072`, as a launcher would set),
 * BENCH_CPU_PIPELINE=1: also run this build without parts of the pipeline in each step — the journal
 * without its file (`--data :memory:`: SQLite in memory, in the same worker thread), the Action URLs switched
 * off, and both — so the table shows what each part costs per call beside the whole; and the floor of a Node
 * process for the same exchange (bench/support/floor-pipeline.ts: a bare UAS with the line's SDP and RTP code,
 * alone and with the three Action URLs as plain GETs), what no code of ours on Node could go below.
 * BENCH_CPU_WARMUP_CALLS=<n> (default 0): every answerer first takes n calls at the step's rate, outside the
 * measured window (their Action URLs awaited and not counted), so the figure is a warm process's CPU per call;
 * without it a Node process's first thousands of calls also pay V8's compilers (~1.5 ms per call over 2,000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countingReceiver } from './support/counting-receiver.js';
import { COUNTED_ACTIONS, startServe, writeSipServeConfig } from './support/serve.js';
import { sippUacLoad } from './support/sipp-uac.js';
import { baresipConfig, processCpuMs as cpuMs, writeToneWav } from '@callhook/test-support';
import { freeSipPort, sippBinary } from '../test/support/sipp.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const RATES = (process.env.BENCH_CPU_RATES ?? '100,200').split(',').map(Number);
const CALLS = Number(process.env.BENCH_CPU_CALLS ?? 2_000);
const REPEAT = Number(process.env.BENCH_CPU_REPEAT ?? 1);
const ONLY = (process.env.BENCH_CPU_ONLY ?? 'callhook,baresip,sipp').split(',');
const PROF = process.env.BENCH_CPU_PROF ? resolvePath(process.env.BENCH_CPU_PROF) : undefined;
const BASELINES = (process.env.BENCH_CPU_BASELINE ?? '')
  .split(',')
  .filter(Boolean)
  .map((entry) => {
    const words = entry
      .slice(entry.indexOf('=') + 1)
      .trim()
      .split(/\s+/);
    const main = resolvePath(words.pop()!);
    const env = Object.fromEntries(words.map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
    return { label: entry.split('=')[0]!, main, env };
  });
const PIPELINE = process.env.BENCH_CPU_PIPELINE === '1';
const WARMUP_CALLS = Number(process.env.BENCH_CPU_WARMUP_CALLS ?? 0);
const HOLD_MS = 200;
const ACTIONS = COUNTED_ACTIONS;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * CPU ms per thread so far, by id, named by what it is: the main thread, node's workers (the journal),
 * V8's platform threads (GC helpers, compilers), libuv's pool.
 */
function threadCpuMs(pid: number): Map<string, number> {
  const byThread = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      const name = task === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byThread.set(`${name}#${task}`, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    } catch {
      // the thread ended
    }
  }
  return byThread;
}

/** sipp's uac: `calls` calls to user 303 at `rate`/s held HOLD_MS, bounded in time. */
const sippUac = (target: string, calls: number, rate: number) => sippUacLoad({ target, calls, rate, holdMs: HOLD_MS, user: '303' });

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

interface Row {
  answerer: string;
  rate: number;
  calls: number;
  successful: number;
  failed: number;
  achievedPerS: number;
  cpuMsPerCall: number;
  /** The same CPU over the calls that succeeded: on a loaded machine some fail early and cheaply. */
  cpuMsPerOkCall: number;
  note?: string;
}

/** What of the pipeline a callhook run leaves out (BENCH_CPU_PIPELINE). */
interface Without {
  /** The journal's file: `--data :memory:`, SQLite in memory in the same worker. */
  journalFile?: boolean;
  actionUrls?: boolean;
}

type Receiver = Awaited<ReturnType<typeof countingReceiver>>;

/** Requests the receiver counted, over every counted action. */
const receivedCount = (receiver: Receiver) => ACTIONS.reduce((sum, a) => sum + (receiver.counts.get(a) ?? 0), 0);

/** After sipp's last call: until every action's request of each successful call arrived (30 s at most), or 1 s when none are sent. */
async function settle(receiver: Receiver, successful: number, requestsSent: boolean): Promise<void> {
  if (!requestsSent) {
    await sleep(1_000); // the last calls' ends
    return;
  }
  const until = Date.now() + 30_000;
  while (ACTIONS.some((a) => (receiver.counts.get(a) ?? 0) < successful) && Date.now() < until) await sleep(50);
}

/**
 * BENCH_CPU_WARMUP_CALLS calls at `rate` to `target` before the measured ones; with a receiver, until their
 * Action URLs arrived (as `settle`), then its counts start again from zero.
 */
async function warmUp(target: string, rate: number, receiver?: Receiver, requestsSent = false): Promise<void> {
  if (WARMUP_CALLS <= 0) return;
  const sipp = await sippUac(target, WARMUP_CALLS, rate);
  if (receiver) await settle(receiver, sipp.successful, requestsSent);
  else await sleep(1_000); // the last calls' ends
  receiver?.counts.clear();
}

async function callhook(
  rate: number,
  calls: number,
  main = MAIN,
  label = 'callhook serve',
  without: Without = {},
  env: Record<string, string> = {},
): Promise<Row> {
  const receiver = await countingReceiver();
  const sipPort = await freeSipPort();
  const { dir, config } = writeSipServeConfig('callhook-bench-cpu-', receiver.url, sipPort, 'udp', !without.actionUrls);
  // One directory per run and node's own file names (they carry the thread id): a fixed --cpu-prof-name
  // made the journal worker's profile and the main thread's overwrite each other.
  const nodeArgs = PROF ? ['--cpu-prof', '--cpu-prof-dir', join(PROF, `serve-${rate}-${Date.now()}`)] : [];
  const serve = await startServe(main, config, without.journalFile ? ':memory:' : join(dir, 'data'), nodeArgs, env);
  try {
    await sleep(1_000); // past start-up work
    await warmUp(`127.0.0.1:${sipPort}`, rate, receiver, !without.actionUrls);
    const before = cpuMs(serve.pid!);
    const threadsBefore = threadCpuMs(serve.pid!);
    const sipp = await sippUac(`127.0.0.1:${sipPort}`, calls, rate);
    await settle(receiver, sipp.successful, !without.actionUrls);
    const used = cpuMs(serve.pid!) - before;
    // The busiest threads; the rest (idle V8 and libuv threads) summed.
    const perThread = [...threadCpuMs(serve.pid!)]
      .map(([id, ms]) => [id.split('#')[0]!, (ms - (threadsBefore.get(id) ?? 0)) / calls] as const)
      .sort((a, b) => b[1] - a[1]);
    const rest = perThread.slice(4).reduce((sum, [, ms]) => sum + ms, 0);
    const threads = [...perThread.slice(0, 4).map(([name, ms]) => `${name} ${round(ms)}`), `others ${round(rest)}`].join(', ');
    return row(label, rate, calls, sipp, used, `${receivedCount(receiver)}/${calls * ACTIONS.length} Action URLs; ms/call by thread: ${threads}`);
  } finally {
    await stop(serve);
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The floor (bench/support/floor-pipeline.ts), with the three GETs per call when `withGets`. */
async function floor(rate: number, calls: number, withGets: boolean): Promise<Row> {
  const receiver = await countingReceiver();
  const script = fileURLToPath(new URL('./support/floor-pipeline.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...(withGets ? [receiver.url] : [])], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('floor not listening in 60 s')), 60_000);
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      child.stdout!.on('data', (d: Buffer) => {
        const match = /port (\d+)/.exec(d.toString());
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.once('exit', (code) => fail(new Error(`floor ended (exit ${code})`)));
    });
    await sleep(1_000);
    await warmUp(`127.0.0.1:${port}`, rate, receiver, withGets);
    const before = cpuMs(child.pid!);
    const sipp = await sippUac(`127.0.0.1:${port}`, calls, rate);
    await settle(receiver, sipp.successful, withGets);
    const used = cpuMs(child.pid!) - before;
    const label = withGets ? 'floor: bare UAS + media + 3 GETs' : 'floor: bare UAS + media';
    return row(label, rate, calls, sipp, used, withGets ? `${receivedCount(receiver)}/${calls * ACTIONS.length} GETs` : undefined);
  } finally {
    await stop(child);
    await receiver.close();
  }
}

async function baresip(rate: number, calls: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-bench-baresip-'));
  writeToneWav(join(dir, 'tone.wav'));
  for (let attempt = 0; ; attempt++) {
    const sipPort = await freeSipPort();
    const row = await baresipOn(dir, sipPort, rate, calls);
    if (row || attempt === 4) {
      rmSync(dir, { recursive: true, force: true });
      if (!row) throw new Error('baresip did not start in 5 tries');
      return row;
    }
  }
}

/** One baresip on `sipPort`; undefined when it did not stay up (it also binds SIP over TLS on sipPort + 1). */
async function baresipOn(dir: string, sipPort: number, rate: number, calls: number): Promise<Row | undefined> {
  // No sound device: the aufile module only plays a source, and without a player baresip still
  // answers and sends the WAV as RTP.
  writeFileSync(join(dir, 'config'), baresipConfig({ sipPort, sourceWav: join(dir, 'tone.wav'), noSoundDevice: true, maxCalls: 4096 }));
  writeFileSync(join(dir, 'accounts'), `<sip:303@127.0.0.1>;regint=0;answermode=auto;audio_codecs=pcmu\n`);
  const child = spawn('baresip', ['-f', dir], { cwd: dir, stdio: ['ignore', 'ignore', 'ignore'] });
  await sleep(1_000);
  if (child.exitCode !== null) return undefined;
  try {
    await warmUp(`127.0.0.1:${sipPort}`, rate);
  } catch (error) {
    await stop(child);
    throw error;
  }
  const before = cpuMs(child.pid!);
  const sipp = await sippUac(`127.0.0.1:${sipPort}`, calls, rate);
  await sleep(500);
  const used = cpuMs(child.pid!) - before;
  await stop(child);
  return row('baresip (aufile 8 kHz WAV)', rate, calls, sipp, used);
}

async function sippUas(rate: number, calls: number): Promise<Row> {
  const [port, control, media] = [await freeSipPort(), await freeSipPort(), await freeSipPort()];
  const dir = mkdtempSync(join(tmpdir(), 'callhook-bench-uas-'));
  const args = ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-cp', String(control), '-mp', String(media), '-nostdin'];
  const uas = spawn(sippBinary(), args, { cwd: dir, stdio: 'ignore' });
  await sleep(500);
  try {
    await warmUp(`127.0.0.1:${port}`, rate);
  } catch (error) {
    await stop(uas, 'SIGKILL');
    throw error;
  }
  const before = cpuMs(uas.pid!);
  const sipp = await sippUac(`127.0.0.1:${port}`, calls, rate);
  const used = cpuMs(uas.pid!) - before;
  await stop(uas, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  // An answerer that ended during the run (it once did) leaves its CPU unknown: say so in the row, don't crash the bench.
  const note = Number.isNaN(used) ? `sipp uas ended during the run (exit ${uas.exitCode ?? uas.signalCode}); CPU unknown` : undefined;
  return row('sipp uas (signalling only)', rate, calls, sipp, used, note);
}

function row(answerer: string, rate: number, calls: number, sipp: Awaited<ReturnType<typeof sippUac>>, used: number, note?: string): Row {
  // As each step ends, so a long run that stops early still shows what it measured.
  console.log(`${answerer} at ${rate}/s: ${round(used / calls)} CPU ms per call (${sipp.successful} ok, ${sipp.failed} failed)${note ? `; ${note}` : ''}`);
  return {
    answerer,
    rate,
    calls,
    successful: sipp.successful,
    failed: sipp.failed,
    achievedPerS: round(sipp.successful / sipp.seconds, 1),
    cpuMsPerCall: round(used / calls),
    cpuMsPerOkCall: round(used / Math.max(1, sipp.successful)),
    ...(note ? { note } : {}),
  };
}

/** The entries whose value is not undefined: a column no step measured stays out of the table. */
function definedOnly(entries: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, number] => entry[1] !== undefined));
}

const rows: Row[] = [];
const ratios: Record<string, number>[] = [];
for (const rate of RATES) {
  for (let repeat = 0; repeat < REPEAT; repeat++) {
    const step: Partial<Record<'callhook' | 'baseline' | 'baresip' | 'sipp' | 'floorGets', Row>> = {};
    for (const [index, build] of BASELINES.entries()) {
      const measured = await callhook(rate, CALLS, build.main, `callhook serve (${build.label})`, {}, build.env);
      rows.push(measured);
      if (index === 0) step.baseline = measured;
    }
    if (ONLY.includes('sipp')) rows.push((step.sipp = await sippUas(rate, CALLS)));
    if (ONLY.includes('baresip')) rows.push((step.baresip = await baresip(rate, CALLS)));
    if (ONLY.includes('callhook')) rows.push((step.callhook = await callhook(rate, CALLS)));
    if (PIPELINE) {
      rows.push(await callhook(rate, CALLS, MAIN, 'callhook serve, journal without its file', { journalFile: true }));
      rows.push(await callhook(rate, CALLS, MAIN, 'callhook serve, no Action URLs', { actionUrls: true }));
      rows.push(await callhook(rate, CALLS, MAIN, 'callhook serve, both', { journalFile: true, actionUrls: true }));
    }
    if (PIPELINE || ONLY.includes('floor')) {
      rows.push(await floor(rate, CALLS, false));
      rows.push((step.floorGets = await floor(rate, CALLS, true)));
    }
    if (step.callhook || step.floorGets)
      ratios.push(
        definedOnly({
          rate,
          callhookCpuMsPerCall: step.callhook?.cpuMsPerCall,
          vsBaseline: step.callhook && step.baseline ? round(step.callhook.cpuMsPerCall / step.baseline.cpuMsPerCall) : undefined,
          okVsBaseline: step.callhook && step.baseline ? round(step.callhook.cpuMsPerOkCall / step.baseline.cpuMsPerOkCall) : undefined,
          okVsBaresip: step.callhook && step.baresip ? round(step.callhook.cpuMsPerOkCall / step.baresip.cpuMsPerOkCall) : undefined,
          vsBaresip: step.callhook && step.baresip ? round(step.callhook.cpuMsPerCall / step.baresip.cpuMsPerCall) : undefined,
          vsSippUas: step.callhook && step.sipp ? round(step.callhook.cpuMsPerCall / step.sipp.cpuMsPerCall, 1) : undefined,
          floorGetsVsBaresip: step.floorGets && step.baresip ? round(step.floorGets.cpuMsPerCall / step.baresip.cpuMsPerCall) : undefined,
        }),
      );
  }
}
console.log(
  `\nCPU per call (user + system of the answering process), sipp uac, ${CALLS} calls per step held ${HOLD_MS} ms` +
    (WARMUP_CALLS > 0 ? `, after ${WARMUP_CALLS} warm-up calls per answerer` : ''),
);
console.table(rows);
console.log('\ncallhook ÷ peer, same run (goal: ≤ 1 against baresip)');
console.table(ratios);
mkdirSync('artifacts', { recursive: true });
writeFileSync('artifacts/bench-cpu-per-call.json', `${JSON.stringify({ at: new Date().toISOString(), warmupCalls: WARMUP_CALLS, rows, ratios }, null, 2)}\n`);
