/**
 * SRTP benchmark: the line's CPU per call-second with SDES-SRTP (RFC 3711, AES_CM_128_HMAC_SHA1_80,
 * SRTCP too) beside plain RTP, measured over the same seconds: two lines in their own processes
 * (srtp-line.ts), one with N answered G.711 calls in plain RTP and one with N in SRTP, media both ways
 * (no recording, so the figure is the media path's own). Their far ends run in two more child processes
 * (media-peers.ts) whose CPU is not counted. Measuring both at once makes the machine's load hit both
 * alike; steps taken one after the other on a shared 2-core machine varied by ±50% between steps, more
 * than the SRTP cost itself. Reports each round, the mean of each and their ratio (issue 13 target:
 * ≤ 1.3×). ≤ 1 min. CALLHOOK_SRTP_BENCH_CALLS, CALLHOOK_SRTP_BENCH_SECONDS and
 * CALLHOOK_SRTP_BENCH_ROUNDS change the call count, round length and rounds;
 * CALLHOOK_SRTP_BENCH_PROFILE=<dir> writes each line's V8 CPU profiles to <dir>/plain and <dir>/srtp (`node --cpu-prof`;
 * <dir>/<build>-plain and -srtp with builds). CALLHOOK_SRTP_BENCH_BUILDS=base=<dir>/src/index.ts,new=src/index.ts runs
 * a plain and an SRTP line of each build, all measured over the same seconds, and prints each build's ratio and
 * the median per-round quotient of the later builds' ratios by the first's (old and new code compared under the
 * same load; single runs of one build swung 1.2–1.56× for the same code as the machine's load changed).
 * CALLHOOK_SRTP_BENCH_JS_BUILDS=<names> runs those builds' lines on the JavaScript cipher, so one build's
 * ciphers compare over the same seconds: `…_BUILDS=js=dist/index.js,openssl=dist/index.js …_JS_BUILDS=js`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CALLS = Number(process.env.CALLHOOK_SRTP_BENCH_CALLS ?? 25);
const ROUND_SECONDS = Number(process.env.CALLHOOK_SRTP_BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.CALLHOOK_SRTP_BENCH_ROUNDS ?? 3);
const TARGET_RATIO = 1.3;

interface Measured {
  type: 'measured';
  cpuMs: number;
  /** The part of `cpuMs` spent in the kernel (sending and receiving UDP). */
  systemMs: number;
  seconds: number;
  calls: number;
  encrypted: number;
  dropped: number;
}

/** Sends `message` to `child` (if any) and resolves with its first reply of type `reply`; rejects on its `error`. */
function ask<T>(child: ChildProcess, message: object | undefined, reply: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: { type: string; message?: string }) => {
      if (answer.type === 'error') reject(new Error(answer.message));
      else if (answer.type === reply) resolve(answer as T);
      else return;
      child.off('message', onMessage);
    };
    child.on('message', onMessage);
    if (message) child.send(message);
  });
}

/** A directory to write each line's V8 CPU profiles to (`plain/`, `srtp/`: one per thread, tsx's loader has its own), or none. */
const PROFILE_DIR = process.env.CALLHOOK_SRTP_BENCH_PROFILE;

/**
 * The builds to measure side by side: CALLHOOK_SRTP_BENCH_BUILDS=`name=path,…` (each path an index.ts or
 * index.js of this package, e.g. a copy of an older `src/` made with `git archive <commit> src | tar -x -C
 * <dir>` inside this package so its dependencies resolve), else this package's src alone.
 */
const BUILDS = (process.env.CALLHOOK_SRTP_BENCH_BUILDS ?? '')
  .split(',')
  .filter((entry) => entry !== '')
  .map((entry) => {
    const [name, path] = entry.split('=');
    if (!name || !path) throw new Error(`CALLHOOK_SRTP_BENCH_BUILDS: "${entry}" is not name=path (e.g. base=.srtp-base/src/index.ts)`);
    return { name, path };
  });
if (BUILDS.length === 0) BUILDS.push({ name: 'src', path: '' });
/**
 * Builds whose lines run with CALLHOOK_SRTP_CIPHER=javascript (the cipher without @callhook/srtp-openssl),
 * e.g. `CALLHOOK_SRTP_BENCH_BUILDS=js=dist/index.js,openssl=dist/index.js CALLHOOK_SRTP_BENCH_JS_BUILDS=js`
 * to compare the two ciphers over the same seconds.
 */
const JAVASCRIPT_BUILDS = new Set((process.env.CALLHOOK_SRTP_BENCH_JS_BUILDS ?? '').split(',').filter((name) => name !== ''));

const children: ChildProcess[] = [];
const start = (file: string, profile?: string, build = '', javascript = false) => {
  const execArgv = ['--import', 'tsx'];
  if (PROFILE_DIR && profile) execArgv.push('--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}/${profile}`);
  const env = { ...process.env, ...(build ? { CALLHOOK_SRTP_LINE_BUILD: build } : {}), ...(javascript ? { CALLHOOK_SRTP_CIPHER: 'javascript' } : {}) };
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [], { execArgv, env });
  children.push(child);
  return child;
};

/** A line of `build` and its callers, `srtp` or plain, calls up. */
async function setUp(srtp: boolean, build: { name: string; path: string }): Promise<{ line: ChildProcess; peers: ChildProcess }> {
  const kind = srtp ? 'srtp' : 'plain';
  const line = start('./srtp-line.ts', BUILDS.length > 1 ? `${build.name}-${kind}` : kind, build.path, JAVASCRIPT_BUILDS.has(build.name));
  const { port } = await ask<{ port: number }>(line, undefined, 'listening');
  const peers = start('./media-peers.ts');
  await ask(peers, { type: 'start', port, calls: CALLS, srtp }, 'ready');
  return { line, peers };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

try {
  const lines: { build: string; plain: Awaited<ReturnType<typeof setUp>>; secure: Awaited<ReturnType<typeof setUp>> }[] = [];
  for (const build of BUILDS) lines.push({ build: build.name, plain: await setUp(false, build), secure: await setUp(true, build) });
  // Let the calls settle (decoders made, first RTCP) before measuring.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const cpu = Object.fromEntries(BUILDS.map(({ name }) => [name, { plain: [] as number[], secure: [] as number[], ratios: [] as number[] }]));
  const prefix = (build: string) => (BUILDS.length > 1 ? `srtp [${build}]` : 'srtp');
  for (let round = 1; round <= ROUNDS; round++) {
    // Every line of every build is measured over the same seconds, so the machine's load hits them alike.
    const measured = await Promise.all(
      lines.flatMap(({ plain, secure }) => [plain, secure].map(({ line }) => ask<Measured>(line, { type: 'measure', seconds: ROUND_SECONDS }, 'measured'))),
    );
    lines.forEach(({ build }, at) => {
      const [p, s] = [measured[2 * at]!, measured[2 * at + 1]!];
      if (p.calls !== CALLS || p.encrypted !== 0) throw new Error(`${build} plain line: ${p.calls} calls, ${p.encrypted} with SRTP; expected ${CALLS}, 0`);
      if (s.calls !== CALLS || s.encrypted !== CALLS)
        throw new Error(`${build} SRTP line: ${s.calls} calls, ${s.encrypted} with SRTP; expected ${CALLS} of ${CALLS}`);
      if (s.dropped > 0) throw new Error(`${build}: ${s.dropped} SRTP packets dropped in a clean run`);
      const perCallSecond = (m: Measured) => m.cpuMs / (CALLS * m.seconds);
      const figures = cpu[build]!;
      figures.plain.push(perCallSecond(p));
      figures.secure.push(perCallSecond(s));
      figures.ratios.push(perCallSecond(s) / perCallSecond(p));
      console.log(
        `${prefix(build)}: round ${round}, ${CALLS} calls each, G.711 both ways: plain RTP ${perCallSecond(p).toFixed(3)} ms, SRTP ${perCallSecond(s).toFixed(3)} ms CPU per call-second (${(perCallSecond(s) / perCallSecond(p)).toFixed(2)}×; system part ${(p.systemMs / p.cpuMs).toFixed(2)}, ${(s.systemMs / s.cpuMs).toFixed(2)})`,
      );
    });
  }
  for (const { name } of BUILDS) {
    const figures = cpu[name]!;
    const ratio = mean(figures.secure) / mean(figures.plain);
    console.log(
      `${prefix(name)}: mean ${mean(figures.plain).toFixed(3)} ms (plain RTP) vs ${mean(figures.secure).toFixed(3)} ms (SRTP) CPU per call-second: ratio ${ratio.toFixed(2)}×, median of the rounds' ratios ${median(figures.ratios).toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`,
    );
  }
  if (BUILDS.length > 1) {
    const first = BUILDS[0]!.name;
    for (const { name } of BUILDS.slice(1)) {
      const perRound = cpu[name]!.ratios.map((ratio, round) => ratio / cpu[first]!.ratios[round]!);
      const extra = (build: string) => mean(cpu[build]!.secure) - mean(cpu[build]!.plain);
      console.log(
        `srtp: ${name} ÷ ${first}: SRTP÷plain ${median(perRound).toFixed(3)}× (median of ${ROUNDS} rounds; ${perRound.map((r) => r.toFixed(2)).join(', ')}); SRTP's extra CPU ${(extra(name) / extra(first)).toFixed(2)}× (${extra(first).toFixed(3)} → ${extra(name).toFixed(3)} ms per call-second)`,
      );
    }
  }
  await Promise.all(lines.flatMap(({ plain, secure }) => [plain, secure]).map(({ peers }) => ask(peers, { type: 'hangup' }, 'done')));
  const exited = (line: ChildProcess) => new Promise((resolve) => line.once('exit', resolve).send({ type: 'stop' }));
  const all = lines.flatMap(({ plain, secure }) => [plain.line, secure.line]);
  await Promise.race([Promise.all(all.map(exited)), new Promise((resolve) => setTimeout(resolve, 10_000))]);
} finally {
  for (const child of children) child.kill();
}
