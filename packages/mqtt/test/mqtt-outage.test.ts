import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mosquitto, waitFor } from '@callhook/test-support';
import { startTestServer, type TestServer } from './support/server.js';
import { Subscriber } from './support/subscriber.js';

const PREFIX = 'outage';
let broker: Mosquitto;
let watcher: Subscriber | null = null;
let server: TestServer | null = null;

/** The ids of the two events (inbound, then disconnected as missed) of each call. */
function expectedIds(guids: string[]): string[] {
  return guids.flatMap((guid) => [`${guid}:inbound:9999:1`, `${guid}:disconnected:9999:2`]);
}

function receivedIds(): Set<string> {
  return new Set(watcher!.json<{ id: string }>(`${PREFIX}/desk/events`).map((event) => event.id));
}

/**
 * Whether every id arrived. One set per poll: the server runs in this process, so a poll that
 * rebuilt the set per id (quadratic in the messages seen) starved it and made the stream crawl.
 */
function allReceived(ids: string[]): boolean {
  const received = receivedIds();
  return ids.every((id) => received.has(id));
}

/** Rings and ends `count` calls on the desk line (each: an inbound and a missed disconnected event); returns their GUIDs. */
function ringAndMiss(count: number): string[] {
  const desk = server!.line('desk');
  const guids: string[] = [];
  for (let i = 0; i < count; i++) {
    const lineCallId = desk.incoming(String(2000 + i));
    guids.push(server!.server.engine.callOnLine(lineCallId, 'desk')!.guid);
    desk.remoteHangup(lineCallId);
  }
  return guids;
}

beforeAll(async () => {
  broker = await Mosquitto.create();
  // The watcher's session is made while the broker runs, then outlives its restarts (persisted).
  await broker.start();
  watcher = await Subscriber.connect(broker.url, [`${PREFIX}/#`], { persistent: 'outage-watcher' });
});

afterAll(async () => {
  await server?.close();
  await watcher?.close();
  await broker?.close();
});

describe('MQTT deliveries across broker outages', () => {
  it('sends what happened while the broker was down at start once it comes up', async () => {
    await broker.stop();
    // A small in-memory bound: most messages park in the SQLite outbox and must be read back from it.
    server = await startTestServer(
      {
        lines: [{ type: 'simulator', id: 'desk', answerAfterMs: null }],
        mqtt: { url: broker.url, topicPrefix: PREFIX, clientId: 'callhook-outage' },
      },
      undefined,
      { maxQueued: 16 },
    );
    const guids = ringAndMiss(10);
    await waitFor(() => server!.server.engine.dispatcher.stats().inFlight > 0, 'deliveries waiting for the broker');
    await expect(server.server.app.inject({ method: 'GET', url: '/healthz' }).then((r) => r.json())).resolves.toMatchObject({
      addOns: { mqtt: { state: 'down' } },
    });
    expect(receivedIds().size).toBe(0);

    await broker.start();
    await waitFor(() => allReceived(expectedIds(guids)), 'every event after the broker came up', 60_000);
    const events = watcher!.json<{ id: string; action: string }>(`${PREFIX}/desk/events`);
    // In order per call: a call's disconnected never overtakes its inbound.
    for (const guid of guids) {
      const mine = events.filter((event) => event.id.startsWith(guid));
      expect(mine.findIndex((event) => event.action === 'inbound')).toBeLessThan(mine.findIndex((event) => event.action === 'disconnected'));
    }
  });

  it('loses nothing when the broker restarts in the middle of a stream of events', async () => {
    const before = ringAndMiss(100);
    await waitFor(() => receivedIds().size >= 20, 'the stream under way');
    await broker.stop();
    const during = ringAndMiss(100);
    await broker.start();
    const after = ringAndMiss(100);
    const all = expectedIds([...before, ...during, ...after]);
    await waitFor(() => allReceived(all), 'every event of the stream', 120_000).catch((error: Error) => {
      // Say where the gap is: which phase's events are missing, and what the dispatcher still holds.
      const received = receivedIds();
      const missing = (phase: string[]) => expectedIds(phase).filter((id) => !received.has(id)).length;
      const stats = JSON.stringify(server!.server.engine.dispatcher.stats());
      throw new Error(
        `${error.message}; missing before/during/after the restart: ${missing(before)}/${missing(during)}/${missing(after)}; dispatcher ${stats}`,
      );
    });
    const received = receivedIds();
    expect(all.filter((id) => !received.has(id))).toEqual([]);
    expect(server!.server.engine.dispatcher.stats().parked).toBe(0);
    const log = await server!.server.journal.recentDeliveries(1000);
    expect(log.filter((record) => record.mode === 'mqtt' && record.final && record.outcome !== 'delivered')).toEqual([]);
  }, 200_000);
});
