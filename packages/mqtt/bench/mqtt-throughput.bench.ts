/**
 * MQTT events per second to a local Mosquitto, beside `mosquitto_pub`'s own rate in the same run.
 *
 * callhook: simulator calls ring and are missed (an inbound and a disconnected event each); every
 * event goes through the dispatcher and the SQLite outbox and is published with QoS 1, counted when a
 * subscriber has it. mosquitto_pub: the same number of messages of the same size, QoS 1, one per
 * line on stdin over one connection. Run with `pnpm bench` (or `pnpm --filter @callhook/mqtt bench`).
 */
import { spawn } from 'node:child_process';
import { Mosquitto, waitFor } from '@callhook/test-support';
import { startTestServer } from '../test/support/server.js';
import { Subscriber } from '../test/support/subscriber.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 2_000);
const MESSAGES = CALLS * 2;

async function callhookRate(broker: Mosquitto): Promise<{ perSecond: number; bytes: number }> {
  const watcher = await Subscriber.connect(broker.url, ['bench/desk/events']);
  const server = await startTestServer({
    lines: [{ type: 'simulator', id: 'desk', answerAfterMs: null }],
    mqtt: { url: broker.url, topicPrefix: 'bench', clientId: 'callhook-bench' },
  });
  try {
    await waitFor(
      () =>
        server.server.app
          .inject({ method: 'GET', url: '/healthz' })
          .then((r) => (r.json() as { addOns: { mqtt: { state: string } } }).addOns.mqtt.state === 'up'),
      'connected',
    );
    const desk = server.line('desk');
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) desk.remoteHangup(desk.incoming(String(10_000 + i)));
    await waitFor(() => watcher.seen.length >= MESSAGES, 'every event', 120_000).catch((error: unknown) => {
      throw new Error(`${String(error)}: ${watcher.seen.length} of ${MESSAGES} arrived; dispatcher ${JSON.stringify(server.server.engine.dispatcher.stats())}`);
    });
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: MESSAGES / seconds, bytes: Math.round(watcher.seen.reduce((sum, m) => sum + m.text.length, 0) / watcher.seen.length) };
  } finally {
    await server.close();
    await watcher.close();
  }
}

async function mosquittoPubRate(broker: Mosquitto, bytes: number): Promise<number> {
  const watcher = await Subscriber.connect(broker.url, ['bench/pub']);
  try {
    const line = 'x'.repeat(bytes);
    const started = performance.now();
    const pub = spawn('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.port), '-q', '1', '-t', 'bench/pub', '-l'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => pub.once('exit', resolve));
    pub.stdin.end(`${line}\n`.repeat(MESSAGES));
    await waitFor(() => watcher.seen.length >= MESSAGES, 'every mosquitto_pub message', 120_000).catch((error: unknown) => {
      throw new Error(`${String(error)}: ${watcher.seen.length} of ${MESSAGES} arrived`);
    });
    const seconds = (performance.now() - started) / 1000;
    await exited;
    return MESSAGES / seconds;
  } finally {
    await watcher.close();
  }
}

const broker = await Mosquitto.create();
try {
  await broker.start();
  const callhook = await callhookRate(broker);
  const pub = await mosquittoPubRate(broker, callhook.bytes);
  console.log(`MQTT: ${MESSAGES} messages of ~${callhook.bytes} bytes, QoS 1, to a local Mosquitto`);
  console.log(`  callhook (dispatcher + SQLite outbox + mqtt.js): ${callhook.perSecond.toFixed(0)} events/s`);
  console.log(`  mosquitto_pub (one connection, stdin lines):    ${pub.toFixed(0)} messages/s`);
  console.log(`  ratio: ${(callhook.perSecond / pub).toFixed(2)}`);
} finally {
  await broker.close();
}
