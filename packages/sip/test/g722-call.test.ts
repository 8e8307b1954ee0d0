import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedClock, waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { G722Encoder } from '../src/media/g722.js';
import { rtpPacket } from '../src/rtp/rtp-packet.js';
import { dominantFrequency, longestGap, readWav, soundSpan } from './support/audio-analysis.js';
import { mediaSink, type RtpSeen } from './support/media-sink.js';
import { offerSdp, startLineWithUac } from './support/raw-uac.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** RFC 4733 §2.3: the event's duration field, in RTP clock units of the audio it replaces. */
const eventDuration = (packet: RtpSeen) => packet.payload.readUInt16BE(2);

describe('a G.722 call on the wire (RFC 3551 §4.5.2: payload type 9, RTP clock 8000 Hz)', () => {
  it.each([20, 40])(
    'ptime %i: sends 8 octets per ms with timestamps at 8 kHz, DTMF beside it, and plays, records and measures what it receives',
    async (ptime) => {
      const clock = new SimulatedClock(0);
      const dataDir = mkdtempSync(join(tmpdir(), 'callhook-g722-call-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const { line, events, uac } = await startLineWithUac(
        { autoAnswer: true, media: { codecs: ['G722', 'PCMU'], record: true } },
        { clock, dataDir },
        cleanups,
      );
      const sink = await mediaSink();
      cleanups.push(() => sink.close());
      const offer = offerSdp('127.0.0.1', sink.port, '9 0 101', ['a=rtpmap:9 G722/8000', 'a=rtpmap:101 telephone-event/8000', `a=ptime:${ptime}`]);
      const callId = uac.invite(offer);
      const final = await uac.waitFinal(callId);
      expect(final.status).toBe(200);
      expect(final.text).toMatch(/^m=audio \d+ RTP\/AVP 9 101\r$/m);
      expect(final.text).toContain('a=rtpmap:9 G722/8000\r\n');
      const { lineCallId } = await events.waitFor('answered');
      uac.ack(callId);
      const rtpPort = Number(/^m=audio (\d+)/m.exec(final.text)?.[1]);

      // The peer sends a 1 kHz tone as G.722, one packet per ptime, exactly on time (simulated clock);
      // one packet is lost on the way.
      const encoder = new G722Encoder();
      const samplesPerPacket = 16 * ptime;
      const packets = 2000 / ptime;
      const lost = Math.round(packets * 0.3);
      for (let index = 0; index < packets; index++) {
        const pcm = Int16Array.from({ length: samplesPerPacket }, (_, i) =>
          Math.round(10_000 * Math.sin((2 * Math.PI * 1000 * (index * samplesPerPacket + i)) / 16_000)),
        );
        const payload = Buffer.from(encoder.encode(pcm));
        if (index !== lost) {
          sink.send(rtpPacket({ marker: index === 0, payloadType: 9, sequence: index, timestamp: index * 8 * ptime, ssrc: 9 }, payload), rtpPort);
          const received = index < lost ? index + 1 : index;
          await waitFor(() => line.callMedia(lineCallId)?.receivedPackets === received, `G.722 packet ${index} received`, 10_000);
        }
        if (index === packets / 2) await line.execute({ type: 'dtmf', lineCallId, digits: '5' });
        await clock.advance(ptime);
      }
      // Packets on time have no jitter when the stats count RTP units at 8000 Hz (at 16000 this would read 10 ms).
      expect(line.callMedia(lineCallId)).toMatchObject({ codec: 'G722', packetsLost: 1, audioRate: 16_000 });
      expect(line.callMedia(lineCallId)!.concealedFrames).toBe(ptime / 20);
      expect(line.callMedia(lineCallId)!.jitterMs).toBeLessThan(0.5);
      await line.execute({ type: 'hangup', lineCallId });
      const ended = await events.waitFor('ended');
      expect(ended.media).toMatchObject({ recorded: true, quality: { codec: 'G722', packetsLost: 1 } });

      // What we sent: G.722 packets of ptime × 8 octets, timestamps + ptime × 8 (RTP clock 8000 Hz).
      const voice = sink.packets.filter((packet) => packet.payloadType === 9);
      expect(voice.length).toBeGreaterThan(packets / 2);
      expect(sink.packets.every((packet) => packet.payloadType === 9 || packet.payloadType === 101)).toBe(true);
      for (const packet of voice) expect(packet.payload).toHaveLength(8 * ptime);
      // RFC 4733 events replace voice: the timestamps step by the ptime, and across the event by its length.
      const dtmf = sink.packets.filter((packet) => packet.payloadType === 101);
      expect(dtmf.length).toBeGreaterThan(0);
      const eventStart = dtmf[0]!.timestamp;
      expect(dtmf.every((packet) => packet.timestamp === eventStart)).toBe(true);
      // Durations grow by 8 units per ms of event (the audio's 8000 Hz clock, not G.722's 16 kHz sampling).
      const durations = dtmf.map(eventDuration);
      expect(durations.every((duration) => duration % (8 * 20) === 0)).toBe(true);
      const afterEvent = voice.find((packet) => packet.sequence > dtmf.at(-1)!.sequence)!;
      expect(afterEvent.timestamp).toBe((eventStart + Math.max(...durations)) >>> 0);
      for (let i = 1; i < voice.length; i++) {
        const step = (voice[i]!.timestamp - voice[i - 1]!.timestamp) >>> 0;
        if (voice[i - 1]!.sequence < dtmf[0]!.sequence && voice[i]!.sequence > dtmf[0]!.sequence) continue;
        expect(step).toBe(8 * ptime);
      }
      // What we received, decoded and recorded at G.722's own 16 kHz (the call's audio rate): the tone on the right channel.
      const wav = readWav(join(dataDir, 'recordings', `${lineCallId}.wav`));
      expect(wav.sampleRate).toBe(16_000);
      const right = wav.channels[1]!;
      const heard = soundSpan(right);
      expect(heard).toBeDefined();
      expect(Math.abs(dominantFrequency(right, 16_000, heard!.first + 1600) - 1000)).toBeLessThan(5);
      // The lost packet was concealed (a faded copy of the last frame), not played as silence: no run of
      // near-silence in the tone longer than its own zero crossings (a lost 20 ms would be 320 samples).
      expect(longestGap(right.subarray(heard!.first, heard!.last))).toBeLessThan(8);
    },
  );
});
