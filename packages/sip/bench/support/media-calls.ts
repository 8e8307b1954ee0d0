import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processCpuMs, sleep, startBaresip, writeToneWav } from '@callhook/test-support';
import { createSipLine, SipLineSchema, type SipLine, type SipLineDeps } from '../../src/index.js';

interface Answer {
  type: string;
  message?: string;
  received?: number[];
}

/** Sends `message` to the far ends and waits for `reply`: bounded in time, and failing when the child ends first. */
function ask(child: ChildProcess, message: object, reply: string, timeoutMs = 120_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (answer: Answer) => {
      if (answer.type !== 'error' && answer.type !== reply) return;
      done();
      if (answer.type === 'error') reject(new Error(answer.message));
      else resolve(answer);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`the far ends ended (exit ${code}) before '${reply}'`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no '${reply}' from the far ends within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
}

/**
 * Starts the SIP line `sip:303@127.0.0.1` (auto-answer) with `settings`, has the far ends of
 * media-peers.ts (a child process, so their CPU is not counted) place `calls` calls to it with media
 * both ways (`srtp`: SDES-SRTP; `codec`: what the far ends offer, PCMU by default), runs `measure` while the calls last, then hangs up. The child and the
 * line are stopped also when something fails.
 */
export async function withMediaCalls<T>(
  options: { calls: number; srtp?: boolean; codec?: string; settings?: Record<string, unknown>; deps?: SipLineDeps },
  measure: (line: SipLine) => Promise<T>,
): Promise<T> {
  const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', autoAnswer: true, ...options.settings }), options.deps);
  await line.start();
  const child = farEnds();
  try {
    await ask(child, { type: 'start', port: line.localAddress!.port, calls: options.calls, srtp: options.srtp ?? false, codec: options.codec }, 'ready');
    const result = await measure(line);
    await ask(child, { type: 'hangup' }, 'done');
    return result;
  } finally {
    child.kill();
    await line.stop();
  }
}

function farEnds(): ChildProcess {
  return fork(fileURLToPath(new URL('../media-peers.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
}

/**
 * baresip as the answerer of the same far ends: `calls` calls, PCMU both ways, its microphone an 8 kHz
 * tone WAV through aufile, no sound device, and (`record`) its sndfile module writing each call's
 * decoded and encoded audio to WAV — baresip's nearest equivalent of the line's recording. Before
 * `measure` runs, every call is established (ctrl_tcp CALL_ESTABLISHED events), and before and after
 * it every far end's count of baresip's RTP packets grows over 0.5 s. `measure` gets baresip's pid; the sndfile
 * files, counted and sized after hang-up, come back with the result. baresip 1.0's sndfile names a
 * file by the second its call's audio started, so calls set up in the same second share a name: each
 * call still writes every frame through its own handle (the cost is per call), but the files are not
 * usable recordings. Everything is stopped also on failure.
 */
export async function withBaresipCalls<T>(
  options: { calls: number; record: boolean },
  measure: (pid: number) => Promise<T>,
): Promise<{ result: T; wavFiles: number; wavBytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'callhook-media-bench-baresip-'));
  let child: ChildProcess | undefined;
  let baresip: Awaited<ReturnType<typeof startBaresip>> | undefined;
  try {
    // aufile stops a call's source at the end of the file (its thread ends, RTP stops): longer than set-up and step.
    writeToneWav(join(dir, 'tone.wav'), 400, 120);
    const dumpDir = join(dir, 'dump');
    if (options.record) mkdirSync(dumpDir);
    baresip = await startBaresip('<sip:303@127.0.0.1>;regint=0;answermode=auto;audio_codecs=pcmu', {
      sourceWav: join(dir, 'tone.wav'),
      noSoundDevice: true,
      maxCalls: options.calls + 10,
      ...(options.record ? { dumpDir } : {}),
    });
    let established = 0;
    baresip.onEvent((event) => {
      if (event.type === 'CALL_ESTABLISHED') established++;
    });
    child = farEnds();
    await ask(child, { type: 'start', port: baresip.sipPort, calls: options.calls }, 'ready');
    for (let wait = 0; wait < 50 && established < options.calls; wait++) await sleep(100);
    if (established !== options.calls) throw new Error(`baresip established ${established} of ${options.calls} calls`);
    const flowing = async (when: string) => {
      const first = (await ask(child!, { type: 'stats' }, 'stats')).received ?? [];
      await sleep(500);
      const second = (await ask(child!, { type: 'stats' }, 'stats')).received ?? [];
      const growing = second.filter((count, index) => count > (first[index] ?? 0)).length;
      if (growing !== options.calls) throw new Error(`${when}, baresip's RTP reaches ${growing} of ${options.calls} far ends`);
    };
    await flowing('before measuring');
    const result = await measure(baresip.pid);
    await flowing('after measuring');
    await ask(child, { type: 'hangup' }, 'done');
    await sleep(500);
    const wavs = options.record ? readdirSync(dumpDir).filter((name) => name.endsWith('.wav')) : [];
    return { result, wavFiles: wavs.length, wavBytes: wavs.reduce((sum, name) => sum + statSync(join(dumpDir, name)).size, 0) };
  } finally {
    child?.kill();
    await baresip?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** User + system CPU ms of one thread of `pid` so far (its main thread when `tid` is `pid`); NaN once it has ended. */
function threadCpuMs(pid: number, tid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/**
 * CPU (user + system, /proc/<pid>/stat) of another process over about `seconds`, in ms per call-second
 * for `calls` calls; also its main thread's share and how many threads it ran.
 */
export async function measureProcessCpu(
  pid: number,
  calls: number,
  seconds: number,
): Promise<{ msPerCallSecond: number; mainThreadShare: number; threads: number; seconds: number }> {
  const cpuBefore = processCpuMs(pid);
  const mainBefore = threadCpuMs(pid, pid);
  const wallBefore = performance.now();
  await sleep(seconds * 1000);
  const used = processCpuMs(pid) - cpuBefore;
  const main = threadCpuMs(pid, pid) - mainBefore;
  const elapsed = (performance.now() - wallBefore) / 1000;
  if (Number.isNaN(used)) throw new Error(`process ${pid} ended while measured`);
  return { msPerCallSecond: used / (calls * elapsed), mainThreadShare: main / used, threads: readdirSync(`/proc/${pid}/task`).length, seconds: elapsed };
}

/**
 * This process's CPU (user + system) over about `seconds` of wall time, in ms per call-second for
 * `calls` calls, and the wall seconds it was measured over.
 */
export async function measureCpu(calls: number, seconds: number): Promise<{ msPerCallSecond: number; seconds: number }> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const cpu = process.cpuUsage(cpuBefore);
  const elapsed = (performance.now() - wallBefore) / 1000;
  return { msPerCallSecond: (cpu.user + cpu.system) / 1000 / (calls * elapsed), seconds: elapsed };
}
