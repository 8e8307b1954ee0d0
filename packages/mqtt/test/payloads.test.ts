import { describe, expect, it } from 'vitest';
import { readInboundRequest, Refusal, type CallSnapshot } from '@callhook/core';
import { commandQuery, discoveryMessages, lastMissed, lineState, qualityDiscoveryMessages, qualityMessage, showsQuality, Topics } from '../src/index.js';

const call = (over: Partial<CallSnapshot>): CallSnapshot => ({
  guid: '0190f5c2-0000-7000-8000-000000000001',
  lineId: 'desk',
  direction: 'inbound',
  localParty: '303',
  localAlias: '303',
  remoteParty: '+4930123',
  remoteAlias: 'Ada',
  state: 'ringing',
  holdState: 'off_hold',
  disposition: null,
  createdAt: '2026-11-29T19:00:00.000Z',
  connectedAt: null,
  disconnectedAt: null,
  quality: null,
  recording: false,
  ...over,
});

describe('command payloads', () => {
  it('turns JSON into the inbound query string that core parses to the same command', () => {
    const read = commandQuery(Buffer.from(JSON.stringify({ id: 'r1', action: 'make_call', target: '+49 30 123', force: true })));
    expect(read).toEqual({ query: 'action=make_call&target=%2B49%2030%20123&force=1', id: 'r1' });
    expect(readInboundRequest(`/?${(read as { query: string }).query}`)).toMatchObject({ action: 'make_call', force: true });
    expect(commandQuery(Buffer.from('?action=hangup'))).toEqual({ query: 'action=hangup', id: null });
  });

  it('refuses what is no command, saying why', () => {
    const reason = (text: string) => (commandQuery(Buffer.from(text)) as Refusal).message;
    expect(commandQuery(Buffer.from('   '))).toBeInstanceOf(Refusal);
    expect(reason('[1]')).toContain('is an object');
    expect(reason('{"action":')).toContain('not valid JSON');
    expect(reason('{"action":"dtmf","digits":null}')).toContain('"digits" must be a string');
    expect(reason('{"id":7,"action":"hangup"}')).toContain('"id" is a string');
    expect(reason('a'.repeat(5000))).toContain('longer than');
  });
});

describe('line state', () => {
  it('is about the connected call, else a ringing one, else a held one', () => {
    expect(lineState('desk', [])).toMatchObject({ state: 'idle', calls: 0, remoteParty: null });
    const held = call({ guid: 'a', state: 'held' });
    const ringing = call({ guid: 'b', state: 'ringing', remoteParty: '555' });
    const dialing = call({ guid: 'c', state: 'dialing', direction: 'outbound' });
    const connected = call({ guid: 'd', state: 'connected' });
    const other = call({ guid: 'e', lineId: 'lab', state: 'connected' });
    expect(lineState('desk', [held, ringing, other])).toMatchObject({ state: 'ringing', callGuid: 'b', remoteParty: '555', calls: 2 });
    expect(lineState('desk', [held, connected])).toMatchObject({ state: 'connected', callGuid: 'd' });
    expect(lineState('desk', [held])).toMatchObject({ state: 'held' });
    expect(lineState('desk', [dialing])).toMatchObject({ state: 'ringing', direction: 'outbound' });
  });

  it('keeps a missed call only', () => {
    expect(lastMissed(call({ state: 'ended', disposition: 'answered' }))).toBeNull();
    expect(lastMissed(call({ state: 'ended', disposition: 'missed', disconnectedAt: '2026-11-29T19:01:00.000Z' }))).toEqual({
      at: '2026-11-29T19:01:00.000Z',
      callGuid: call({}).guid,
      remoteParty: '+4930123',
      remoteAlias: 'Ada',
    });
  });
});

describe('call quality', () => {
  const quality = { packetsLost: 0, packetsReceived: 100, jitterMs: 1, rttMs: 10, mos: 4.4, codec: 'PCMA' };

  it('has no message before the first report, and rounds the figures', () => {
    expect(qualityMessage(call({ state: 'connected' }))).toBeNull();
    expect(qualityMessage(call({ state: 'connected', quality: { ...quality, packetsLost: 1, packetsReceived: 2, jitterMs: 0.04, mos: null } }))).toMatchObject({
      live: true,
      lossPercent: 33.33,
      jitterMs: 0,
      mos: null,
      encryption: null,
    });
    expect(qualityMessage(call({ state: 'ended', quality: { ...quality, packetsLost: 0, packetsReceived: 0 } }))).toMatchObject({
      live: false,
      lossPercent: null,
    });
  });

  it('stays with one live call until it ends, except that the call the line state is about takes over', () => {
    const held = qualityMessage(call({ guid: 'held', state: 'held', quality }))!;
    const connected = qualityMessage(call({ guid: 'up', state: 'connected', quality }))!;
    const ended = qualityMessage(call({ guid: 'held', state: 'ended', quality }))!;
    expect(showsQuality(undefined, held, 'up')).toBe(true);
    expect(showsQuality(held, connected, 'up')).toBe(true);
    expect(showsQuality(connected, held, 'up')).toBe(false); // the held call's reports do not flip the topic
    expect(showsQuality(connected, ended, 'up')).toBe(false); // nor its end
    expect(showsQuality(held, ended, null)).toBe(true);
    expect(showsQuality(ended, connected, 'other')).toBe(true); // anything live replaces final figures
  });

  it('gives Home Assistant five quality sensors on the quality topic', () => {
    const sensors = qualityDiscoveryMessages(new Topics('callhook', 'a'), 'desk', 'sip');
    expect(sensors.map((s) => s.topic.split('/')[3])).toEqual([
      'desk_quality_mos',
      'desk_quality_loss',
      'desk_quality_jitter',
      'desk_quality_rtt',
      'desk_quality_packets_received',
    ]);
    for (const sensor of sensors)
      expect(sensor.payload).toMatchObject({ state_topic: 'callhook/desk/quality', availability_mode: 'all', state_class: 'measurement' });
    expect(sensors[2]!.payload).toMatchObject({ unit_of_measurement: 'ms', device_class: 'duration', value_template: '{{ value_json.jitterMs }}' });
  });
});

describe('topics and discovery', () => {
  it('lays out the topics under the prefix and reads the line of a command topic', () => {
    const topics = new Topics('home/phones', 'callhook-a');
    expect(topics.events('desk')).toBe('home/phones/desk/events');
    expect(topics.instanceAvailability()).toBe('home/phones/instance/callhook-a/availability');
    expect(topics.commandLine('home/phones/desk/command')).toBe('desk');
    expect(topics.commandLine('home/phones/a/b/command')).toBeNull();
    expect(topics.commandLine('other/desk/command')).toBeNull();
  });

  it('gives each line a state sensor and a last-missed sensor whose ids Home Assistant accepts', () => {
    const [state, missed] = discoveryMessages(new Topics('callhook', 'host.lan:1'), 'desk', 'sip');
    expect(state!.topic).toBe('homeassistant/sensor/callhook_host_lan_1/desk_state/config');
    expect(missed!.topic).toBe('homeassistant/sensor/callhook_host_lan_1/desk_last_missed/config');
    expect(state!.payload).toMatchObject({
      device: { model: 'sip line', identifiers: ['callhook_host_lan_1_desk'] },
      unique_id: 'callhook_host_lan_1_desk_state',
    });
  });
});
