import { loadSettings, type SimulatedLine } from '@callhook/core';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/index.js';
import { startReceiver } from '@callhook/test-support';
import { testSettings } from '../support/test-app.js';

/** Waits for `done()`, polling; a generous deadline for a busy machine. */
async function waitFor(done: () => boolean | Promise<boolean>, deadlineMs = 30_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await done()) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await done()).toBe(true);
}

const running: RunningServer[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop(0);
  for (const close of closers.splice(0)) await close();
});

describe('stop with a delivery waiting out a retry back-off', () => {
  it('stops within the drain bound, keeps the delivery sealed in the outbox, and sends it with its header at the next start', async () => {
    const secret = 'Bearer stop-5ecret-Hh42';
    let answer = 503;
    const receiver = await startReceiver((_r, res) => {
      res.statusCode = answer;
      res.end();
    });
    closers.push(() => receiver.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'callhook-stop-'));
    const settings = loadSettings(
      testSettings({ enabled: false }, {
        actionUrls: {
          enabled: true,
          slots: [
            { on: 'inbound', url: `${receiver.url}/hook?from=<$remote_party>`, headers: { Authorization: secret }, retries: { max: 5, backoffMs: 600_000 } },
          ],
        },
      } as never),
    );
    const first = await startServer({ settings, dataDir });
    running.push(first);
    (first.engine.lines.first().line as SimulatedLine).incoming('420');
    await waitFor(() => receiver.received.length === 1); // answered 503: the retry waits 10 minutes

    const started = Date.now();
    const { drained } = await first.stop(300);
    const tookMs = Date.now() - started;
    running.splice(running.indexOf(first), 1);
    expect(drained).toBe(false);
    expect(tookMs).toBeLessThan(20_000); // bounded by the drain, not by the 10-minute back-off
    expect(first.engine.dispatcher.stats().inFlight).toBe(0);

    for (const name of readdirSync(dataDir)) expect(readFileSync(join(dataDir, name)).includes('stop-5ecret-Hh42')).toBe(false);

    answer = 200;
    const second = await startServer({ settings, dataDir });
    running.push(second);
    await waitFor(() => receiver.received.length === 2);
    const [before, after] = receiver.received;
    expect(after!.url).toBe('/hook?from=420');
    expect(after!.headers.authorization).toBe(secret);
    expect(after!.headers['idempotency-key']).toBe(before!.headers['idempotency-key']);
    await waitFor(async () => (await second.journal.pendingDeliveries()).length === 0);
  });
});
