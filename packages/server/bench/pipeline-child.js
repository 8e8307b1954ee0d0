// One run of bench pipelinecpu: `callhook serve`'s Action URL pipeline in its own process, from the
// built packages of the checkout at argv[2] (this one's or another build's, so builds compare in
// turns). startServer with a simulated line (no SIP: what is measured is the engine, dispatcher,
// journal, metrics and undici), the SQLite journal in a fresh data directory, three Action URLs per call
// to the receiver at argv[3]. Paces argv[4] calls at argv[5] per second, each answered at once and
// hung up after argv[6] ms, waits until the receiver's count (asked over stdin/stdout) reaches three
// per call, and prints one JSON line: CPU ms per call of the whole process (every thread: main,
// journal worker, V8's helpers), from process.cpuUsage().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [root = '', receiverUrl = '', callsArg, rateArg, holdArg] = process.argv.slice(2);
const calls = Number(callsArg);
const rate = Number(rateArg);
const holdMs = Number(holdArg);
const core = await import(pathToFileURL(join(root, 'packages/core/dist/index.js')).href);
const server = await import(pathToFileURL(join(root, 'packages/server/dist/index.js')).href);

const actions = ['inbound', 'connected', 'disconnected'];
const settings = core.loadSettings({
  actionUrls: { enabled: true, slots: actions.map((on) => ({ on, url: `${receiverUrl}/${on}?guid=<$call_guid>&from=<$remote_party>` })) },
  inbound: { enabled: true, listen: ['127.0.0.1'] },
  line: { type: 'simulator', answerAfterMs: null },
});
const line = new core.SimulatedLine({ clock: server.systemClock });
const dataDir = mkdtempSync(join(tmpdir(), 'callhook-bench-pipeline-'));
const running = await server.startServer({ settings, dataDir, port: 0, lines: [{ id: 'default', line }] });

// The parent answers each `count?` line with the receiver's count so far.
const answers = createInterface({ input: process.stdin });
/** @type {((count: number) => void)[]} */
const pending = [];
answers.on('line', (text) => pending.shift()?.(Number(text)));
/** @returns {Promise<number>} */
const received = () =>
  new Promise((resolve) => {
    pending.push(resolve);
    process.stdout.write('count?\n');
  });
/** CPU ns (schedstat) and wake-ups (voluntary context switches) of each thread so far, by thread id. */
function threadCpu() {
  const byThread = new Map();
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      const ns = Number(readFileSync(`/proc/${process.pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      const status = readFileSync(`/proc/${process.pid}/task/${task}/status`, 'utf8');
      const wakeUps = Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
      byThread.set(task, { ns, wakeUps });
    } catch {
      // the thread ended
    }
  }
  return byThread;
}
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {number} i */
async function call(i) {
  const id = line.incoming(`10${i}`, 'Bench Caller');
  const guid = running.engine.callOnLine(id).guid;
  await running.engine.execute({ action: 'answer', call: guid });
  await sleep(holdMs);
  line.remoteHangup(id);
}

/** @param {number} from @param {number} n */
async function paced(from, n) {
  const started = performance.now();
  const all = [];
  for (let i = 0; i < n; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    all.push(call(from + i));
  }
  await Promise.all(all);
}

/** @param {number} count */
async function until(count) {
  const deadline = Date.now() + 60_000;
  while ((await received()) < count && Date.now() < deadline) await sleep(20);
}

// Warm-up: undici and the journal worker loaded, prom-client loaded (1,024 observations), code optimised.
const warm = 300;
await paced(0, warm);
await until(warm * actions.length);
await sleep(500);
process.stdout.write('measuring\n'); // a mark between warm-up and measurement in --trace-* output
const threadsBefore = threadCpu();
const before = process.cpuUsage();
await paced(warm, calls);
await until((warm + calls) * actions.length);
const used = process.cpuUsage(before);
const threadsAfter = threadCpu();
const got = (await received()) - warm * actions.length;
await running.stop(2_000);
rmSync(dataDir, { recursive: true, force: true });
// Each thread's share, busiest first: `main`, the rest by thread id (the journal worker is started late, so its id is high).
const threads = [...threadsAfter]
  .map(([id, now]) => {
    const then = threadsBefore.get(id) ?? { ns: 0, wakeUps: 0 };
    return /** @type {const} */ ([id === String(process.pid) ? 'main' : id, (now.ns - then.ns) / 1e6 / calls, (now.wakeUps - then.wakeUps) / calls]);
  })
  .filter(([, ms]) => ms >= 0.005)
  .sort((a, b) => b[1] - a[1])
  .map(([id, ms, wakeUps]) => `${id} ${ms.toFixed(3)} ms ${wakeUps.toFixed(1)} wake-ups`)
  .join(', ');
process.stdout.write(
  `${JSON.stringify({ threads, cpuMsPerCall: (used.user + used.system) / 1000 / calls, received: got, expected: calls * actions.length })}\n`,
);
process.exit(0);
