import { createSocket } from 'node:dgram';
import { type LogLevel } from '@callhook/core';
import { afterEach, describe, expect, it } from 'vitest';
import { rtpPacket } from '../src/rtp/rtp-packet.js';
import { SimulatedClock } from '@callhook/test-support';
import { mediaSink } from './support/media-sink.js';
import { offerSdp, startLineWithUac } from './support/raw-uac.js';
import { waitFor } from '@callhook/test-support';

interface Logged {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown> | undefined;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startLine(extra: Record<string, unknown> = {}, clock?: SimulatedClock) {
  const logs: Logged[] = [];
  const logger = { log: (level: LogLevel, message: string, fields?: Record<string, unknown>) => logs.push({ level, message, fields }) };
  const started = await startLineWithUac({ autoAnswer: true, ...extra }, { logger, ...(clock ? { clock } : {}) }, cleanups);
  return { ...started, logs };
}

/** The RTP port of the line's SDP answer. */
function answeredRtpPort(text: string): number {
  return Number(/^m=audio (\d+)/m.exec(text)?.[1]);
}

describe('offers with values out of range (issue 9: one INVITE killed the process)', () => {
  it.each([
    ['port 65536', offerSdp('127.0.0.1', 65536), /399 callhook "media port 65536 is out of range 0-65535"/],
    ['port 99999', offerSdp('127.0.0.1', 99999), /media port 99999 is out of range/],
    ['port with letters', offerSdp('127.0.0.1', '50x0'), /bad media port/],
    ['payload type 128', offerSdp('127.0.0.1', 4000, '0 128'), /payload type 128 is out of range 0-127/],
    ['rtpmap payload type 300', offerSdp('127.0.0.1', 4000, '0', ['a=rtpmap:300 PCMU/8000']), /payload type 300/],
    ['connection address not an IP', offerSdp('999.1.1.1', 4000), /\\"999.1.1.1\\" is not an IP4 address/],
    ['IPv6 address under IP4', offerSdp('::1', 4000), /is not an IP4 address/],
    ['multicast address', offerSdp('239.1.1.1', 4000), /not unicast/],
    ['no audio codec we know', offerSdp('127.0.0.1', 4000, '18'), /305 callhook "the peer offers neither PCMU nor PCMA"/],
    ['not an SDP at all', 'hello\r\n', /SDP does not start with v=0/],
  ])('%s: 488 with a Warning naming the value, and the line stays up', async (_name, sdp, warning) => {
    const { line, uac } = await startLine();
    const callId = uac.invite(sdp);
    const final = await uac.waitFinal(callId);
    expect(final.status).toBe(488);
    expect(final.text).toMatch(new RegExp(`^Warning: .*${warning.source}`, 'm'));
    expect(line.status().state).toBe('ready');
    // The same line still answers a good offer.
    const good = uac.invite(offerSdp('127.0.0.1', 4000));
    expect((await uac.waitFinal(good)).status).toBe(200);
    uac.ack(good);
    uac.bye(good);
  });
});

describe('no media before the ACK (RFC 3261 §13.3.1.4; issue 9: RTP reflection)', () => {
  it('auto-answers but sends no RTP to the offered address until the ACK, then streams', async () => {
    const { line, events, uac } = await startLine();
    const sink = await mediaSink();
    cleanups.push(() => sink.close());
    const callId = uac.invite(offerSdp('127.0.0.1', sink.port));
    expect((await uac.waitFinal(callId)).status).toBe(200);
    const answered = await events.waitFor('answered');
    // sip.js retransmits the unacknowledged 200 (T1, 2·T1, …): three copies mean ≥ 1.5 s have passed unconfirmed.
    await waitFor(
      () => uac.responses.filter((response) => response.callId === callId && response.status === 200).length >= 3,
      'three 200 retransmissions',
      15_000,
    );
    expect(sink.packets).toHaveLength(0);
    expect(line.callMedia(answered.lineCallId)?.sentPackets).toBe(0);
    uac.ack(callId);
    await waitFor(() => sink.packets.length >= 5, 'RTP after the ACK', 10_000);
    uac.bye(callId);
    await events.waitFor('ended');
  });
});

describe('dead calls are ended (issue 9: calls that never end)', () => {
  it('stops sending and hangs up with BYE when the RTP port answers ICMP port unreachable', async () => {
    const { events, uac, logs } = await startLine();
    const closed = createSocket('udp4');
    await new Promise<void>((resolve) => closed.bind(0, '127.0.0.1', () => resolve()));
    const deadPort = closed.address().port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const callId = uac.invite(offerSdp('127.0.0.1', deadPort));
    expect((await uac.waitFinal(callId)).status).toBe(200);
    uac.ack(callId);
    const ended = await events.waitFor('ended', () => true, 15_000);
    expect(ended).toMatchObject({ by: 'local', cause: 'failed', detail: 'RTP peer unreachable (ICMP port unreachable)' });
    await waitFor(() => uac.requests.some((request) => request.startsWith('BYE ')), 'the BYE', 10_000);
    const stopped = logs.find((entry) => entry.message.startsWith('rtp peer unreachable'));
    expect(stopped?.fields?.sentPackets).toBeLessThan(10);
  });

  it('hangs up a connected call that receives no RTP for media.inactivityTimeoutSeconds, not before', async () => {
    const clock = new SimulatedClock(0);
    const { line, events, uac, logs } = await startLine({ media: { inactivityTimeoutSeconds: 30 } }, clock);
    const sink = await mediaSink();
    cleanups.push(() => sink.close());
    const callId = uac.invite(offerSdp('127.0.0.1', sink.port));
    const final = await uac.waitFinal(callId);
    expect(final.status).toBe(200);
    const { lineCallId } = await events.waitFor('answered');
    uac.ack(callId);
    await waitFor(
      async () => {
        await clock.advance(20);
        return sink.packets.length > 0;
      },
      'RTP once confirmed',
      10_000,
    );
    // The peer sends a packet every 10 s of (fake) time for 60 s: the call stays up.
    const rtpPort = answeredRtpPort(final.text);
    for (let index = 1; index <= 6; index++) {
      sink.send(rtpPacket({ marker: false, payloadType: 0, sequence: index, timestamp: index * 160, ssrc: 7 }, Buffer.alloc(160, 0xff)), rtpPort);
      await waitFor(() => line.callMedia(lineCallId)?.receivedPackets === index, `RTP packet ${index} received`, 10_000);
      await clock.advance(10_000);
    }
    expect(events.types(lineCallId)).toEqual(['incoming', 'answered']);
    // Then it falls silent (10 s already since the last packet): still up at 29 s of silence, ended
    // by 31 s, with the reason. (The simulated clock also runs the media check it re-arms itself.)
    await clock.advance(19_000);
    expect(events.types(lineCallId)).toEqual(['incoming', 'answered']);
    await clock.advance(2_000);
    const ended = await events.waitFor('ended');
    expect(ended).toMatchObject({ lineCallId, by: 'local', cause: 'failed', detail: expect.stringMatching(/^no RTP received for 3\d s$/) });
    await waitFor(() => uac.requests.some((request) => request.startsWith('BYE ')), 'the BYE', 10_000);
    expect(logs.some((entry) => entry.message === 'ending a dead call')).toBe(true);
  });
});
