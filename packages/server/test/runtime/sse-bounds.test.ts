import { loadSettings, type SimulatedLine } from '@callhook/core';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/index.js';
import { rawGet } from '../support/raw-client.js';
import { waitFor } from '@callhook/test-support';
import { testSettings } from '../support/test-app.js';

let server: RunningServer | null = null;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.stop(1_000);
  server = null;
});

describe('SSE subscribers that never read', () => {
  it('are closed once they leave maxBufferedBytes unread; the buffer stays bounded, a reading subscriber keeps its stream, one too many is refused', async () => {
    const maxBufferedBytes = 64 * 1024;
    const stalledCount = 10;
    server = await startServer({
      settings: loadSettings(testSettings({ listen: ['127.0.0.1'] })),
      dataDir: ':memory:',
      port: 0,
      eventStreams: { maxSubscribers: stalledCount + 1, maxBufferedBytes },
    });
    const port = server.port!;
    const streams = server.app.eventStreams;
    const stalled = [];
    for (let i = 0; i < stalledCount; i++) {
      const client = await rawGet(port, '/api/v1/events', false);
      sockets.push(client.socket);
      stalled.push(client);
    }
    const reader = await rawGet(port, '/api/v1/events', true);
    sockets.push(reader.socket);
    await waitFor(() => streams.stats().subscribers === stalledCount + 1, 'every subscriber to be open');

    const extra = await rawGet(port, '/api/v1/events', true);
    sockets.push(extra.socket);
    await waitFor(() => extra.received().includes('\r\n\r\n'), 'the extra subscriber to be answered');
    expect(extra.received()).toMatch(/^HTTP\/1\.1 503/);
    expect(extra.received()).toContain('too_many_subscribers');

    const line = server.engine.lines.first().line as SimulatedLine;
    const deadline = Date.now() + 120_000;
    let calls = 0;
    let maxSeen = 0;
    while (streams.stats().closedSlow < stalledCount && calls < 40_000 && Date.now() < deadline) {
      for (let i = 0; i < 50; i++, calls++)
        line.remoteHangup(line.incoming(String(1000 + (calls % 9000)), 'A caller with a long display name to make frames larger'));
      maxSeen = Math.max(maxSeen, streams.stats().bufferedBytes);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const stats = streams.stats();
    console.log(`sse bounds: ${calls} calls, ${stats.closedSlow} slow closed, peak per stream ${stats.peakBufferedBytes} B, max total ${maxSeen} B`);
    expect(stats.closedSlow).toBe(stalledCount);
    expect(stats.refused).toBe(1);
    expect(stats.subscribers).toBe(1);
    // A frame is well under 4 KiB: nothing is written to a stream already past the bound.
    expect(stats.peakBufferedBytes).toBeLessThanOrEqual(maxBufferedBytes + 4096);
    expect(maxSeen).toBeLessThanOrEqual((stalledCount + 1) * (maxBufferedBytes + 4096));
    expect(reader.closed()).toBe(false);
    await waitFor(() => (reader.received().match(/event: call/g) ?? []).length >= calls, 'the reading subscriber to get every call event', 60_000);
  }, 180_000);
});
