import { mkdtempSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, type Served, stopServed } from './support/cli.js';
import { startReceiver, waitFor, type Received } from '@callhook/test-support';

const TOKEN = 'chaos-test-token-0123456789';
/** Calls in the storm; each fires all five slots, so five times as many deliveries. */
const CALLS = 300;
const SLOTS = 5;
/** Far below the storm (and below the dispatcher's concurrency of 256): most of it parks in the outbox. */
const MAX_QUEUED = 40;
/** Storm requests the test keeps open at once. */
const PARALLEL = 8;

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let served: Served | null = null;
const receivers: Receiver[] = [];

afterEach(async () => {
  await stopServed(served);
  served = null;
  for (const receiver of receivers.splice(0)) await receiver.close();
});

async function receiver(handler: (req: Received, res: ServerResponse) => void): Promise<Receiver> {
  const started = await startReceiver(handler);
  receivers.push(started);
  return started;
}

/** What the receivers answered 2xx, by `<guid>#<slot>`: the Idempotency-Keys it came with, one entry per delivery. */
class Ledger {
  readonly delivered = new Map<string, string[]>();
  count = 0;

  /** Answers 200 and counts the delivery. */
  accept(req: Received, res: ServerResponse): void {
    const url = new URL(req.url, 'http://receiver');
    const key = `${url.searchParams.get('g')}#${url.searchParams.get('s')}`;
    this.delivered.set(key, [...(this.delivered.get(key) ?? []), String(req.headers['idempotency-key'])]);
    this.count++;
    res.end('ok');
  }
}

async function post(base: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${base}api/v1/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

describe('delivery chaos', () => {
  it('a storm past every in-memory bound, receivers that hang, reset, redirect, crawl and fail, kill -9 mid-storm: nothing lost after a restart', async () => {
    const ledger = new Ledger();
    let healthy = false;
    const fail = (res: ServerResponse) => {
      res.statusCode = 500;
      res.end('down');
    };
    // Five origins, each misbehaving its own way until the restart; the redirect target is a sixth.
    const target = await receiver((req, res) => ledger.accept(req, res));
    const hanging = await receiver((req, res) => (healthy ? ledger.accept(req, res) : undefined));
    const resetting = await receiver((req, res) => (healthy ? ledger.accept(req, res) : res.socket?.destroy()));
    const redirecting = await receiver((req, res) => {
      res.writeHead(307, { location: `${target.url}/moved${req.url.slice(req.url.indexOf('?'))}` });
      res.end();
    });
    const slow = await receiver((req, res) => (healthy ? ledger.accept(req, res) : setTimeout(() => ledger.accept(req, res), 800)));
    const failing = await receiver((req, res) => (healthy ? ledger.accept(req, res) : fail(res)));

    // Retries outlast the first run (backoffs double from 200 ms, ten of them), so nothing fails for good before the kill.
    const retries = { max: 10, backoffMs: 200 };
    const slot = (base: string, index: number, extra: Record<string, unknown> = {}) => ({
      on: 'inbound',
      url: `${base}/hook?g=<$call_guid>&s=${index}&from=<$remote_party>`,
      timeoutMs: 1_000,
      retries,
      ...extra,
    });
    const file = join(mkdtempSync(join(tmpdir(), 'callhook-chaos-')), 'callhook.json');
    writeFileSync(
      file,
      JSON.stringify({
        actionUrls: {
          enabled: true,
          slots: [
            slot(hanging.url, 0),
            slot(resetting.url, 1),
            slot(redirecting.url, 2),
            slot(slow.url, 3, { method: 'POST', timeoutMs: 5_000 }),
            slot(failing.url, 4),
          ],
        },
        inbound: { enabled: true, listen: ['127.0.0.1'], token: TOKEN },
        line: { type: 'simulator', answerAfterMs: null },
      }),
    );
    const data = mkdtempSync(join(tmpdir(), 'callhook-chaos-data-'));
    const args = ['--config', file, '--port', '0', '--data', data, '--no-console', '--max-queued', String(MAX_QUEUED)];

    // The storm: every call rings and fires five slots.
    const stormStarted = Date.now();
    served = await startServe(args, 1);
    const base = served.urls[0]!;
    const guids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < CALLS) {
          next++;
          const { call } = (await post(base, 'simulator/incoming', { from: String(1000 + next) })) as { call: { guid: string } };
          guids.push(call.guid);
        }
      }),
    );
    // A read answers after every earlier journal write: the outbox holds the whole storm from here
    // (the contract is "in the outbox before its first attempt", not "before the call event returns").
    await fetch(`${base}api/v1/deliveries`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await waitFor(() => failing.received.length >= 20 && slow.received.length >= 10 && resetting.received.length >= 20, 'the storm under way');
    served.child.kill('SIGKILL');
    await served.exited;
    const beforeKill = ledger.count;
    const stormMs = Date.now() - stormStarted;

    // The same data dir with healthy receivers: what was left in the outbox goes out.
    healthy = true;
    const restarted = Date.now();
    served = await startServe(args, 1);
    const expected = guids.flatMap((guid) => Array.from({ length: SLOTS }, (_, s) => `${guid}#${s}`));
    await waitFor(() => expected.every((key) => ledger.delivered.has(key)), 'every (call, slot) delivered', 90_000);
    const drainMs = Date.now() - restarted;
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    expect(served.stderr()).not.toContain('still pending');

    expect(new Set(guids).size).toBe(CALLS);
    const lost = expected.filter((key) => !ledger.delivered.has(key));
    expect(lost).toEqual([]);
    expect([...ledger.delivered.keys()].filter((key) => !expected.includes(key))).toEqual([]);
    // At least once: a repeat carries the same Idempotency-Key, and no two deliveries share one.
    let duplicates = 0;
    const keys = new Set<string>();
    for (const [key, idempotencyKeys] of ledger.delivered) {
      expect(new Set(idempotencyKeys).size, key).toBe(1);
      expect(idempotencyKeys[0]).toMatch(/^[0-9a-f-]{36}:inbound:[0-4]:\d+$/);
      keys.add(idempotencyKeys[0]!);
      duplicates += idempotencyKeys.length - 1;
    }
    expect(keys.size).toBe(expected.length);
    console.info(
      `chaos: ${CALLS} calls × ${SLOTS} slots = ${expected.length} deliveries, --max-queued ${MAX_QUEUED}; ` +
        `${beforeKill} delivered before kill -9 at ${stormMs} ms; ${ledger.count} deliveries in all, ${duplicates} duplicates (same key); ` +
        `restart to all delivered: ${drainMs} ms; attempts seen: hang ${hanging.received.length}, reset ${resetting.received.length}, ` +
        `redirect ${redirecting.received.length}, slow ${slow.received.length}, 500 ${failing.received.length}`,
    );
  });
});
