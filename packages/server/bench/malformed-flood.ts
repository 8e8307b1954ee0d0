/**
 * Malformed and refused requests against the listener vs the /healthz baseline, measured in the same
 * run with autocannon (the listener in its own process). Afterwards no call may exist.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { round } from './stats.js';

const TOKEN = 'bench-token-0123456789abcdef';
const DURATION_S = 3;
const CONNECTIONS = 50;

const SCENARIOS: { name: string; path: string; headers?: Record<string, string>; expect: number }[] = [
  { name: 'GET /healthz (baseline)', path: '/healthz', expect: 200 },
  { name: 'bad percent-encoding', path: `/?action=make_call&target=%zz&token=${TOKEN}`, expect: 400 },
  { name: 'unknown action', path: `/?action=explode&token=${TOKEN}`, expect: 400 },
  { name: 'overlong request target', path: `/?action=make_call&token=${TOKEN}&target=${'1'.repeat(5_000)}`, expect: 400 },
  { name: 'no token', path: '/?action=make_call&target=1', expect: 401 },
  { name: 'cross-site img with token', path: `/?action=make_call&target=1&token=${TOKEN}`, headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' }, expect: 403 },
];

export async function benchMalformedFlood() {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./serve-child.ts', import.meta.url))], {
    env: { ...process.env, BENCH_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const base = `http://127.0.0.1:${chunk.toString().trim()}`;
  const rows = [];
  try {
    for (const scenario of SCENARIOS) {
      const result = await autocannon({ url: `${base}${scenario.path}`, connections: CONNECTIONS, duration: DURATION_S, headers: scenario.headers });
      const expected = result.statusCodeStats[String(scenario.expect)]?.count ?? 0;
      rows.push({
        name: scenario.name,
        perSecond: round(result.requests.average, 0),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        expectedStatus: `${scenario.expect} × ${expected}`,
        other: result.requests.total - expected,
        errors: result.errors + result.timeouts,
      });
    }
    const calls = (await (await fetch(`${base}/api/v1/calls`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { active: unknown[] };
    rows.push({ name: 'calls placed by the flood', perSecond: 0, p50Ms: 0, p99Ms: 0, expectedStatus: `0 × ${calls.active.length}`, other: 0, errors: 0 });
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  const baseline = rows[0]!.perSecond;
  return {
    name: `malformed-request flood vs /healthz (autocannon ${CONNECTIONS} connections × ${DURATION_S} s each)`,
    rows: rows.map((r) => ({ ...r, ratioToHealthz: r.perSecond ? round(r.perSecond / baseline) : null })),
    target: 'refusals cost about as much as /healthz; no call placed',
  };
}
