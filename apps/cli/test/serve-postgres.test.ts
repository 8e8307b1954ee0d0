import { startPostgres, startReceiver, waitFor, type PostgresCluster, type Received, type Receiver } from '@callhook/test-support';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Served } from './support/cli.js';

const TOKEN = 'cli-pg-test-token-0123456789';
const CALLS_PER_INSTANCE = 40;
const INSTANCES = ['a', 'b', 'c'] as const;

let cluster: PostgresCluster | null = null;
let receiver: Receiver | null = null;
const served = new Map<string, Served>();
/** Each instance's settings and data directory (its copy of the outbox key): removed after. */
const dirs: string[] = [];

afterAll(async () => {
  for (const serve of served.values()) {
    if (serve.child.exitCode === null && serve.child.signalCode === null) {
      serve.child.kill('SIGKILL');
      await serve.exited;
    }
  }
  await receiver?.close();
  await cluster?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 60_000);

beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);

/** Settings of one instance: its own simulator line and listener, the shared database, a short lease. */
function instanceConfig(instance: string, databaseUrl: string, receiverUrl: string): { config: string; data: string } {
  const dir = mkdtempSync(join(tmpdir(), `callhook-pg-${instance}-`));
  dirs.push(dir);
  const config = join(dir, 'callhook.json');
  writeFileSync(
    config,
    JSON.stringify({
      actionUrls: {
        enabled: true,
        slots: [{ on: 'inbound', url: `${receiverUrl}/hook?i=${instance}&g=<$call_guid>`, timeoutMs: 60_000, retries: { max: 5, backoffMs: 200 } }],
      },
      inbound: { enabled: true, listen: ['127.0.0.1'], token: TOKEN, duplicateWindowMs: 0, rateLimit: { max: 100_000, windowMs: 1_000 } },
      line: { type: 'simulator', answerAfterMs: null },
      journal: { type: 'postgres', url: databaseUrl, instance, leaseSeconds: 2 },
    }),
  );
  return { config, data: join(dir, 'data') };
}

async function api(base: string, method: 'GET' | 'POST', path: string, body?: object): Promise<Record<string, unknown>> {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

const guidOf = (request: Received): string => new URL(request.url, 'http://x').searchParams.get('g') ?? '';
const instanceOf = (request: Received): string => new URL(request.url, 'http://x').searchParams.get('i') ?? '';

describe('callhook serve: three instances sharing PostgreSQL', () => {
  it('finishes the deliveries of an instance killed with -9 mid-storm, loses none, and shows every instance’s calls from one', async () => {
    const databaseUrl = await cluster!.createDatabase('callhook_serve');
    // Instance a's receiver hangs until a is gone, so a dies with deliveries in flight and parked.
    const answered = new Set<string>();
    let aAlive = true;
    const held: ServerResponse[] = [];
    receiver = await startReceiver((request, res) => {
      if (aAlive && instanceOf(request) === 'a') {
        held.push(res);
        return;
      }
      answered.add(guidOf(request));
      res.end('ok');
    });
    const key = randomBytes(32); // every instance sharing the database seals with the same key
    for (const instance of INSTANCES) {
      const { config, data } = instanceConfig(instance, databaseUrl, receiver.url);
      mkdirSync(data, { mode: 0o700 });
      writeFileSync(join(data, 'outbox.key'), key, { mode: 0o600 });
      served.set(instance, await startServe(['--config', config, '--port', '0', '--data', data], 1));
    }

    // The storm: calls ring on all three instances at once.
    const guids = new Map<string, string[]>(INSTANCES.map((i) => [i, []]));
    const ring = async (instance: string, n: number): Promise<void> => {
      const base = served.get(instance)!.urls[0]!;
      const reply = await api(base, 'POST', '/api/v1/simulator/incoming', { from: `${n}` });
      const guid = (reply.call as { guid: string }).guid;
      guids.get(instance)!.push(guid);
      await api(base, 'POST', '/api/v1/simulator/hangup', { call: guid }); // a missed call: into the shared history
    };
    const storm = async (instance: string): Promise<void> => {
      for (let n = 0; n < CALLS_PER_INSTANCE; n++) await ring(instance, n);
    };
    const others = Promise.all([storm('b'), storm('c')]);
    await storm('a');
    // Mid-storm (b and c still ringing): a has requests in flight (held) and the rest of its entries
    // committed in the outbox under its lease; then it dies without a word.
    const leasedTo = async (owner: string): Promise<number> =>
      Number((await cluster!.query('callhook_serve', `SELECT count(*) FROM outbox_entries WHERE lease_owner = '${owner}'`))[0]);
    const callsOf = async (instance: string): Promise<number> =>
      Number((await cluster!.query('callhook_serve', `SELECT count(*) FROM calls WHERE instance = '${instance}'`))[0]);
    await waitFor(
      async () => held.length >= 10 && (await leasedTo('a')) === CALLS_PER_INSTANCE && (await callsOf('a')) === CALLS_PER_INSTANCE,
      'instance a to hold its whole storm',
      60_000,
    );
    const a = served.get('a')!;
    a.child.kill('SIGKILL');
    await a.exited;
    aAlive = false;
    for (const res of held.splice(0)) res.destroy();
    await others;

    const expected = [...guids.values()].flat();
    expect(expected).toHaveLength(CALLS_PER_INSTANCE * INSTANCES.length);
    // Every delivery arrives, a's finished by b or c once its leases ran out.
    const missing = (): string => {
      const left = expected.filter((guid) => !answered.has(guid));
      return INSTANCES.map((i) => `${i}: ${left.filter((guid) => guids.get(i)!.includes(guid)).length}`).join(', ');
    };
    await waitFor(() => expected.every((guid) => answered.has(guid)), `every delivery answered (missing ${missing()})`, 120_000).catch(async (error: Error) => {
      throw new Error(
        `${error.message}; now missing ${missing()}; outbox ${JSON.stringify(await cluster!.query('callhook_serve', 'SELECT lease_owner, lease_until > now(), count(*) FROM outbox_entries GROUP BY 1, 2'))}`,
      );
    });
    expect(await leasedTo('a')).toBe(0);

    // Duplicates (a's in-flight requests sent again) carry the same Idempotency-Key; nothing else arrived.
    const byGuid = new Map<string, Received[]>();
    for (const request of receiver.received) byGuid.set(guidOf(request), [...(byGuid.get(guidOf(request)) ?? []), request]);
    expect([...byGuid.keys()].sort()).toEqual([...expected].sort());
    for (const [guid, requests] of byGuid) {
      const keys = new Set(requests.map((r) => r.headers['idempotency-key']));
      expect(keys.size, guid).toBe(1);
      expect([...keys][0]).toMatch(new RegExp(`^${guid}:inbound:0:`));
    }
    // a's requests cut off by its death were sent again by b or c: at least those are duplicates.
    expect([...byGuid.values()].filter((requests) => requests.length > 1).length).toBeGreaterThanOrEqual(10);

    // History is shared: b answers with the calls of all three (a's included, though it is gone).
    const calls = await api(served.get('b')!.urls[0]!, 'GET', '/api/v1/calls?limit=500');
    const recent = (calls.recent as { guid: string }[]).map((c) => c.guid);
    expect(recent).toEqual(expect.arrayContaining(expected));
    for (const instance of INSTANCES) expect(await callsOf(instance)).toBe(CALLS_PER_INSTANCE); // each row names its instance
    const deliveries = await api(served.get('c')!.urls[0]!, 'GET', '/api/v1/deliveries?limit=1000');
    const delivered = new Set(
      (deliveries.deliveries as { callGuid: string; outcome: string }[]).filter((d) => d.outcome === 'delivered').map((d) => d.callGuid),
    );
    expect(expected.every((guid) => delivered.has(guid))).toBe(true);

    for (const instance of ['b', 'c']) {
      served.get(instance)!.child.kill('SIGTERM');
      expect(await served.get(instance)!.exited).toBe(0);
    }
  }, 300_000);
});
