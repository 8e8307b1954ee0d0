/**
 * Malformed and refused requests against the listener vs the /healthz baseline, measured in the same
 * run with autocannon (the listener in its own process). Afterwards no call may exist.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { round } from './stats.js';

const TOKEN = 'bench-token-0123456789abcdef';
const DURATION_S = 1.5;
const ROUNDS = 5;
const CONNECTIONS = 50;

const SCENARIOS: { name: string; path: string; headers?: Record<string, string>; expect: number }[] = [
  { name: 'GET /healthz (baseline)', path: '/healthz', expect: 200 },
  { name: 'bad percent-encoding', path: `/?action=make_call&target=%zz&token=${TOKEN}`, expect: 400 },
  { name: 'unknown action', path: `/?action=explode&token=${TOKEN}`, expect: 400 },
  { name: 'overlong request target', path: `/?action=make_call&token=${TOKEN}&target=${'1'.repeat(5_000)}`, expect: 400 },
  { name: 'no token', path: '/?action=make_call&target=1', expect: 401 },
  {
    name: 'cross-site img with token',
    path: `/?action=make_call&target=1&token=${TOKEN}`,
    headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' },
    expect: 403,
  },
];

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User plus system CPU time of a process so far, in microseconds, from /proc (Linux). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ", utime and stime are the 12th and 13th fields.
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_SECOND;
}

export async function benchMalformedFlood() {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./serve-child.js', import.meta.url))], {
    env: { ...process.env, BENCH_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const base = `http://127.0.0.1:${chunk.toString().trim()}`;
  const measure = async (scenario: (typeof SCENARIOS)[number]) => {
    const cpuBefore = cpuMicros(child.pid!);
    const result = await autocannon({ url: `${base}${scenario.path}`, connections: CONNECTIONS, duration: DURATION_S, headers: scenario.headers });
    const cpuPerRequest = (cpuMicros(child.pid!) - cpuBefore) / result.requests.total;
    return { result, cpuPerRequest, expected: result.statusCodeStats[String(scenario.expect)]?.count ?? 0 };
  };
  const makeCallMs = async (target: string) => {
    const started = performance.now();
    const response = await fetch(`${base}/?action=make_call&target=${target}&token=${TOKEN}`);
    await response.arrayBuffer();
    return { ms: round(performance.now() - started), status: response.status };
  };
  const rows = [];
  try {
    // Warm the listener (JIT, connection setup) so nothing is measured on a cold process.
    await autocannon({ url: `${base}/healthz`, connections: CONNECTIONS, duration: 1 });
    const before = await makeCallMs('100');
    // Each scenario is paired with a /healthz run just before it, ROUNDS times; the ratio is the
    // median of the pairs, so drift in the machine's speed cancels out.
    for (const scenario of SCENARIOS.slice(1)) {
      const pairs = [];
      for (let round = 0; round < ROUNDS; round++) {
        const healthz = await measure(SCENARIOS[0]!);
        const flood = await measure(scenario);
        pairs.push({
          healthz,
          flood,
          ratio: flood.result.requests.average / healthz.result.requests.average,
          cpuRatio: healthz.cpuPerRequest / flood.cpuPerRequest,
        });
      }
      pairs.sort((a, b) => a.ratio - b.ratio);
      const { flood, healthz, ratio } = pairs[Math.floor(pairs.length / 2)]!;
      const cpuRatios = pairs.map((p) => p.cpuRatio).sort((a, b) => a - b);
      rows.push({
        name: scenario.name,
        perSecond: round(flood.result.requests.average, 0),
        healthzPerSecond: round(healthz.result.requests.average, 0),
        ratioToHealthz: round(ratio),
        // The listener's own CPU per request (all its threads), /healthz's divided by this one's: ≥ 1 means
        // a refusal costs the listener no more than a /healthz. Unlike the throughput ratio it does not
        // depend on whether the load generator (on the same machine) could keep the listener busy.
        serverCpuUsPerRequest: round(flood.cpuPerRequest),
        healthzCpuUsPerRequest: round(healthz.cpuPerRequest),
        cpuRatioToHealthz: round(cpuRatios[Math.floor(cpuRatios.length / 2)]!),
        p50Ms: flood.result.latency.p50,
        p99Ms: flood.result.latency.p99,
        expectedStatus: `${scenario.expect} × ${flood.expected}`,
        other: flood.result.requests.total - flood.expected,
        errors: flood.result.errors + flood.result.timeouts,
      });
    }
    const after = await makeCallMs('101');
    const calls = (await (await fetch(`${base}/api/v1/calls`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      active: { remoteParty: string }[];
    };
    const flooded = calls.active.filter((c) => c.remoteParty !== '100' && c.remoteParty !== '101').length;
    rows.push({ name: `valid make_call before / after the flood: ${before.status} in ${before.ms} ms / ${after.status} in ${after.ms} ms` });
    rows.push({ name: `calls placed by the flood: ${flooded}` });
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  return {
    name: `malformed-request flood vs /healthz (autocannon ${CONNECTIONS} connections, ${DURATION_S} s runs, median of ${ROUNDS} paired rounds)`,
    rows,
    target: 'each refusal ≥ 0.8 × /healthz; no call placed; a valid make_call still answers promptly',
  };
}
