import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mosquitto, waitFor } from '@callhook/test-support';
import { startTestServer, type TestServer } from './support/server.js';
import { Subscriber } from './support/subscriber.js';

const PREFIX = 'test/phones';
let broker: Mosquitto;
let server: TestServer;
let watcher: Subscriber;

beforeAll(async () => {
  broker = await Mosquitto.create();
  await broker.start();
  server = await startTestServer({
    lines: [
      { type: 'simulator', id: 'desk', answerAfterMs: null },
      { type: 'simulator', id: 'lab', answerAfterMs: 0 },
    ],
    inbound: { actions: { make_call: true, answer: true, transfer: true } },
    mqtt: { url: broker.url, topicPrefix: PREFIX, clientId: 'callhook-test', homeAssistant: true },
  });
  watcher = await Subscriber.connect(broker.url, [`${PREFIX}/#`, 'homeassistant/#']);
});

afterAll(async () => {
  await watcher?.close();
  await server?.close();
  await broker?.close();
});

describe('MQTT bridge against Mosquitto', () => {
  it('publishes each call event on <prefix>/<line>/events and the line state retained on <prefix>/<line>/state', async () => {
    const desk = server.line('desk');
    const lineCallId = desk.incoming('+4930123', 'Ada');
    const guid = server.server.engine.callOnLine(lineCallId, 'desk')!.guid;
    await waitFor(() => watcher.last(`${PREFIX}/desk/state`)?.state === 'ringing', 'state ringing');
    expect(watcher.last(`${PREFIX}/desk/state`)).toMatchObject({ remoteParty: '+4930123', remoteAlias: '"Ada" (+4930123)', callGuid: guid, calls: 1 });
    await server.server.engine.execute({ action: 'answer', call: guid });
    await waitFor(() => watcher.last(`${PREFIX}/desk/state`)?.state === 'connected', 'state connected');
    desk.remoteHangup(lineCallId);
    await waitFor(() => watcher.json(`${PREFIX}/desk/events`).filter((e) => e.call && (e.call as { guid: string }).guid === guid).length === 3, 'three events');

    const events = watcher.json<{ id: string; action: string; disposition: string | null; call: { guid: string; state: string } }>(`${PREFIX}/desk/events`);
    expect(events.map((e) => e.action)).toEqual(['inbound', 'connected', 'disconnected']);
    expect(events.map((e) => e.id)).toEqual([`${guid}:inbound:9999:1`, `${guid}:connected:9999:2`, `${guid}:disconnected:9999:3`]);
    expect(events.at(-1)).toMatchObject({ disposition: 'answered', call: { guid, state: 'ended' } });
    await waitFor(() => watcher.last(`${PREFIX}/desk/state`)?.state === 'idle', 'state idle again');

    // A client connecting later gets the retained state and availability at once.
    const late = await Subscriber.connect(broker.url, [`${PREFIX}/desk/state`, `${PREFIX}/desk/availability`, `${PREFIX}/instance/+/availability`]);
    try {
      await waitFor(() => late.seen.length >= 3, 'retained messages');
      expect(late.on(`${PREFIX}/desk/state`)[0]).toMatchObject({ retain: true });
      expect(late.last(`${PREFIX}/desk/state`)).toMatchObject({ state: 'idle', calls: 0 });
      expect(late.on(`${PREFIX}/desk/availability`)[0]?.text).toBe('online');
      expect(late.on(`${PREFIX}/instance/callhook-test/availability`)[0]?.text).toBe('online');
    } finally {
      await late.close();
    }
  });

  it('publishes a call its live quality retained on <prefix>/<line>/quality, not again while unchanged, and its final figures at the end', async () => {
    const desk = server.line('desk');
    const emit = (event: unknown) => (desk as unknown as { emit(e: unknown): void }).emit(event);
    const topic = `${PREFIX}/desk/quality`;
    const lineCallId = desk.incoming('+4930777', 'Lin');
    const guid = server.server.engine.callOnLine(lineCallId, 'desk')!.guid;
    await server.server.engine.execute({ action: 'answer', call: guid });
    await waitFor(() => watcher.last(`${PREFIX}/desk/state`)?.state === 'connected', 'state connected');
    const first = { packetsLost: 2, packetsReceived: 248, jitterMs: 3.14159, rttMs: null, mos: 4.3812, codec: 'PCMU' };
    emit({ type: 'quality', lineCallId, quality: first });
    await waitFor(() => watcher.on(topic).length === 1, 'the first quality message');
    expect(watcher.last(topic)).toEqual({
      lineId: 'desk',
      callGuid: guid,
      live: true,
      mos: 4.38,
      lossPercent: 0.8,
      packetsLost: 2,
      packetsReceived: 248,
      jitterMs: 3.1,
      rttMs: null,
      codec: 'PCMU',
      encryption: null,
      srtpDropped: null,
    });
    // The same figures again (a held call's reports; noise below the rounding) are not published again.
    emit({ type: 'quality', lineCallId, quality: first });
    emit({ type: 'quality', lineCallId, quality: { ...first, jitterMs: 3.12, mos: 4.3799 } });
    const second = { ...first, packetsReceived: 498, rttMs: 14.04, encryption: 'AES_CM_128_HMAC_SHA1_80', srtpDropped: 1 };
    emit({ type: 'quality', lineCallId, quality: second });
    await waitFor(() => watcher.on(topic).length >= 2, 'the changed quality message');
    expect(watcher.json(topic).map((m) => m.packetsReceived)).toEqual([248, 498]);
    expect(watcher.last(topic)).toMatchObject({ live: true, rttMs: 14, lossPercent: 0.4, encryption: 'AES_CM_128_HMAC_SHA1_80', srtpDropped: 1 });

    // Home Assistant gets the quality sensors of the line once it had quality; lab (no media) gets none.
    const mos = 'homeassistant/sensor/callhook_callhook-test/desk_quality_mos/config';
    await waitFor(() => watcher.on(mos).length > 0, 'quality discovery');
    expect(watcher.last(mos)).toMatchObject({
      state_topic: topic,
      value_template: '{{ value_json.mos }}',
      json_attributes_topic: topic,
      state_class: 'measurement',
    });
    expect(watcher.last('homeassistant/sensor/callhook_callhook-test/desk_quality_loss/config')).toMatchObject({ unit_of_measurement: '%' });
    expect(watcher.on('homeassistant/sensor/callhook_callhook-test/lab_quality_mos/config')).toHaveLength(0);

    // A client connecting mid-call gets the figures at once.
    const late = await Subscriber.connect(broker.url, [topic]);
    try {
      await waitFor(() => late.on(topic).length > 0, 'retained quality');
      expect(late.on(topic)[0]).toMatchObject({ retain: true });
      expect(late.last(topic)).toMatchObject({ callGuid: guid, live: true, packetsReceived: 498 });
    } finally {
      await late.close();
    }

    // At the end the line's own final figures (here the last report's) with live: false.
    desk.remoteHangup(lineCallId);
    await waitFor(() => watcher.last(topic)?.live === false, 'the final quality');
    expect(watcher.last(topic)).toMatchObject({ callGuid: guid, packetsReceived: 498 });
    expect(watcher.on(topic)).toHaveLength(3);
  });

  it('records the MQTT deliveries in the delivery log as acknowledged', async () => {
    const logged = async () => (await server.server.journal.recentDeliveries(50)).filter((record) => record.mode === 'mqtt');
    await waitFor(async () => (await logged()).length >= 3, 'three MQTT deliveries in the log');
    const mqtt = await logged();
    expect(mqtt.every((record) => record.outcome === 'delivered' && record.url === 'mqtt:')).toBe(true);
  });

  it('announces each line to Home Assistant (state sensor with attributes, last missed call) and fills last_missed', async () => {
    await waitFor(() => watcher.on('homeassistant/sensor/callhook_callhook-test/desk_state/config').length > 0, 'discovery config');
    const state = watcher.last('homeassistant/sensor/callhook_callhook-test/desk_state/config')!;
    expect(state).toMatchObject({
      state_topic: `${PREFIX}/desk/state`,
      json_attributes_topic: `${PREFIX}/desk/state`,
      value_template: '{{ value_json.state }}',
      options: ['idle', 'ringing', 'connected', 'held'],
      availability_mode: 'all',
      availability: [{ topic: `${PREFIX}/instance/callhook-test/availability` }, { topic: `${PREFIX}/desk/availability` }],
    });
    const missed = watcher.last('homeassistant/sensor/callhook_callhook-test/lab_last_missed/config')!;
    expect(missed).toMatchObject({ state_topic: `${PREFIX}/lab/last_missed`, device_class: 'timestamp' });

    const lab = server.line('lab');
    const lineCallId = lab.incoming('0301234', 'Grace');
    lab.remoteHangup(lineCallId);
    await waitFor(() => watcher.last(`${PREFIX}/lab/last_missed`) !== undefined, 'last missed call');
    expect(watcher.last(`${PREFIX}/lab/last_missed`)).toMatchObject({ remoteParty: '0301234', remoteAlias: '"Grace" (0301234)' });

    // Home Assistant restarting (birth message) gets the configs again.
    const before = watcher.on('homeassistant/sensor/callhook_callhook-test/desk_state/config').length;
    await watcher.publish('homeassistant/status', 'online');
    await waitFor(() => watcher.on('homeassistant/sensor/callhook_callhook-test/desk_state/config').length > before, 'discovery again');
  });

  it('places a call from a command on <prefix>/<line>/command and answers on the MQTT 5 response topic with the correlation data', async () => {
    await watcher.client.subscribeAsync('test/replies/#', { qos: 1 });
    await watcher.publish(`${PREFIX}/lab/command`, JSON.stringify({ action: 'make_call', target: '+4940555' }), {
      qos: 1,
      properties: { responseTopic: 'test/replies/1', correlationData: Buffer.from('req-1') },
    });
    await waitFor(() => watcher.on('test/replies/1').length === 1, 'command result');
    const reply = watcher.on('test/replies/1')[0]!;
    expect(reply.packet.properties?.correlationData?.toString()).toBe('req-1');
    const body = JSON.parse(reply.text) as { ok: boolean; call: { guid: string; lineId: string; remoteParty: string } };
    expect(body).toMatchObject({ ok: true, action: 'make_call', call: { lineId: 'lab', remoteParty: '+4940555' } });
    await waitFor(
      () =>
        watcher
          .json<{ action: string; call: { guid: string } }>(`${PREFIX}/lab/events`)
          .some((e) => e.call.guid === body.call.guid && e.action === 'connected'),
      'the placed call connects',
    );
  });

  it('takes the query-string form and answers on <prefix>/<line>/command/result, echoing "id" from JSON', async () => {
    await watcher.publish(`${PREFIX}/desk/command`, 'action=make_call&target=%2B4930999');
    await waitFor(() => watcher.on(`${PREFIX}/desk/command/result`).length === 1, 'query-string result');
    expect(watcher.last(`${PREFIX}/desk/command/result`)).toMatchObject({ ok: true, action: 'make_call', call: { remoteParty: '+4930999' } });
    await watcher.publish(`${PREFIX}/desk/command`, JSON.stringify({ id: 'c-2', action: 'hold', call: '0190f5c2-0000-7000-8000-000000000000' }));
    await waitFor(() => watcher.on(`${PREFIX}/desk/command/result`).length === 2, 'second result');
    // hold is off (inbound.actions.hold): refused before the engine, with the id echoed.
    expect(watcher.last(`${PREFIX}/desk/command/result`)).toMatchObject({ ok: false, code: 'action_disabled', id: 'c-2' });
  });

  it('refuses a command whose switch is off, names the switch, and logs it', async () => {
    await watcher.publish(`${PREFIX}/desk/command`, JSON.stringify({ id: 'off', action: 'hangup' }));
    await waitFor(() => watcher.json(`${PREFIX}/desk/command/result`).some((r) => r.id === 'off'), 'refusal');
    const reply = watcher.json(`${PREFIX}/desk/command/result`).find((r) => r.id === 'off');
    expect(reply).toMatchObject({ ok: false, code: 'action_disabled' });
    expect(String(reply!.message)).toContain('inbound.actions.hangup');
    expect(server.logger.lines.some((line) => line.startsWith('warn') && line.includes('inbound.actions.hangup'))).toBe(true);
  });

  it('refuses bad payloads and a line in the payload that is not the topic line, and keeps running', async () => {
    const results = () => watcher.json(`${PREFIX}/lab/command/result`);
    await watcher.publish(`${PREFIX}/lab/command`, '{not json');
    await watcher.publish(`${PREFIX}/lab/command`, JSON.stringify({ action: 'make_call', target: { nested: true } }));
    await watcher.publish(`${PREFIX}/lab/command`, JSON.stringify({ action: 'make_call', target: '123', line: 'desk' }));
    await watcher.publish(`${PREFIX}/lab/command`, 'action=fly');
    await watcher.publish(`${PREFIX}/lab/command`, 'x'.repeat(5000));
    await waitFor(() => results().length === 5, 'five refusals');
    expect(results().map((r) => r.code)).toEqual(['bad_request', 'bad_request', 'bad_request', 'unknown_action', 'bad_request']);
    expect(String(results()[2]!.message)).toContain('line "lab"');
    const health = await server.server.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.json()).toMatchObject({ addOns: { mqtt: { state: 'up' } } });
  });
});
