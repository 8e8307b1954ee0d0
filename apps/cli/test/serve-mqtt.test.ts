import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { Mosquitto, waitFor } from '@callhook/test-support';
import { startServe, type Served, stopServed } from './support/cli.js';

const TOKEN = 'mqtt-kill-test-token-0123456789';
const PREFIX = 'kill';
const dir = mkdtempSync(join(tmpdir(), 'callhook-serve-mqtt-'));
let broker: Mosquitto | null = null;
let served: Served | null = null;
let watcher: MqttClient | null = null;

afterAll(async () => {
  await stopServed(served);
  await watcher?.endAsync(true);
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function post(base: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${base}api/v1/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

describe('callhook serve with mqtt', () => {
  it('sends the MQTT messages the broker never acknowledged after kill -9 and a restart, under the same ids', async () => {
    broker = await Mosquitto.create(); // its port is reserved; the broker stays down for the first run
    const config = join(dir, 'settings.json');
    writeFileSync(
      config,
      JSON.stringify({
        inbound: { enabled: true, listen: ['127.0.0.1'], token: TOKEN },
        line: { type: 'simulator', answerAfterMs: null },
        mqtt: { url: broker.url, topicPrefix: PREFIX, clientId: 'callhook-kill-test' },
      }),
    );
    const args = ['--config', config, '--port', '0', '--data', join(dir, 'data'), '--no-console'];
    served = await startServe(args, 1);
    const base = served.urls[0]!;
    const guids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { call } = (await post(base, 'simulator/incoming', { from: String(3000 + i) })) as { call: { guid: string } };
      guids.push(call.guid);
    }
    // A read answers after every earlier journal write: the outbox holds every message from here.
    await fetch(`${base}api/v1/deliveries`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const health = (await (await fetch(`${base}healthz`)).json()) as { addOns: { mqtt: { state: string } }; deliveries: { inFlight: number } };
    expect(health.addOns.mqtt.state).toBe('down');
    served.child.kill('SIGKILL');
    await served.exited;

    await broker.start();
    const seen: { id: string; action: string; call: { guid: string } }[] = [];
    watcher = await connectAsync(broker.url, { protocolVersion: 5 });
    watcher.on('message', (topic, payload) => {
      if (topic === `${PREFIX}/default/events`) seen.push(JSON.parse(payload.toString()) as (typeof seen)[number]);
    });
    await watcher.subscribeAsync(`${PREFIX}/#`, { qos: 1 });

    served = await startServe(args, 1);
    const expected = guids.map((guid) => `${guid}:inbound:9999:1`);
    await waitFor(() => expected.every((id) => seen.some((event) => event.id === id)), 'the messages of the killed run', 60_000);
    for (const guid of guids) expect(seen.find((event) => event.call.guid === guid)).toMatchObject({ id: `${guid}:inbound:9999:1`, action: 'inbound' });
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });
});
