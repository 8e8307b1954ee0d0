import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedClock, waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { createCodec, type CodecName, type SipLine } from '../src/index.js';
import { rtpPacket } from '../src/rtp/rtp-packet.js';
import { dominantFrequency, makeToneWav, readWav, soundSpan } from './support/audio-analysis.js';
import { mediaSink, type RtpSeen } from './support/media-sink.js';
import { offerSdp, startLineWithUac } from './support/raw-uac.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** How each codec appears on the wire: payload type, rtpmap and RTP clock ticks per 20 ms. */
const WIRE: Record<CodecName, { payloadType: number; rtpmap: string; ticksPerFrame: number }> = {
  PCMU: { payloadType: 0, rtpmap: 'a=rtpmap:0 PCMU/8000', ticksPerFrame: 160 },
  PCMA: { payloadType: 8, rtpmap: 'a=rtpmap:8 PCMA/8000', ticksPerFrame: 160 },
  G722: { payloadType: 9, rtpmap: 'a=rtpmap:9 G722/8000', ticksPerFrame: 160 },
  opus: { payloadType: 111, rtpmap: 'a=rtpmap:111 opus/48000/2', ticksPerFrame: 960 },
};

/** 20 ms of a sine at `hz` sampled at `rate`, frame `index` of a continuous tone. */
function toneFrame(hz: number, rate: number, index: number): Int16Array {
  const samples = rate / 50;
  return Int16Array.from({ length: samples }, (_, i) => Math.round(10_000 * Math.sin((2 * Math.PI * hz * (index * samples + i)) / rate)));
}

/** A peer's RTP stream on the simulated clock: one packet per 20 ms, each waited for at the line before the clock moves on. */
class PeerStream {
  sequence = 0;
  constructor(
    private readonly line: SipLine,
    private readonly lineCallId: string,
    private readonly send: (packet: Buffer) => void,
    private readonly clock: SimulatedClock,
  ) {}

  async play(codec: CodecName, hz: number, frames: number, each?: (index: number) => Promise<void>): Promise<void> {
    const encoder = createCodec(codec); // the peer's codec at its own rate
    try {
      for (let index = 0; index < frames; index++) {
        const payload = Buffer.from(encoder.encode(toneFrame(hz, encoder.sampleRate, index)));
        const sequence = this.sequence++;
        const { payloadType, ticksPerFrame } = WIRE[codec];
        this.send(rtpPacket({ marker: sequence === 0, payloadType, sequence, timestamp: sequence * ticksPerFrame, ssrc: 0x77 }, payload));
        await waitFor(() => this.line.callMedia(this.lineCallId)?.receivedPackets === sequence + 1, `${codec} packet ${sequence} received`, 10_000);
        await each?.(index);
        await this.clock.advance(20);
      }
    } finally {
      encoder.close();
    }
  }
}

/** What the peer heard: the line's voice packets of `codec` decoded at `rate`, in order. */
function decodeSent(packets: RtpSeen[], codec: CodecName, rate: 8000 | 16_000): Int16Array {
  const decoder = createCodec(codec, rate);
  const voice = packets.filter((packet) => packet.payloadType === WIRE[codec].payloadType).sort((a, b) => a.sequence - b.sequence);
  const pcm = voice.map((packet) => decoder.decode(packet.payload));
  decoder.close();
  const out = new Int16Array(pcm.reduce((sum, frame) => sum + frame.length, 0));
  let at = 0;
  for (const frame of pcm) out.set(frame, (at += frame.length) - frame.length);
  return out;
}

/** RFC 4733 §2.3: the event's duration field. */
const eventDuration = (packet: RtpSeen) => packet.payload.readUInt16BE(2);

describe('wideband calls: the audio path runs at the first agreed codec rate (16 kHz for G.722 and Opus)', () => {
  it.each(['G722', 'opus'] as const)(
    '%s: the peer 6 kHz tone is in the 16 kHz recording, our 5.5 kHz prompt reaches the peer, DTMF and jitter in the codec clock',
    async (codec) => {
      const clock = new SimulatedClock(0);
      const dataDir = mkdtempSync(join(tmpdir(), 'callhook-wideband-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      // A prompt above 4 kHz, which an 8 kHz path cannot carry.
      const prompt = join(dataDir, 'prompt.wav');
      makeToneWav(prompt, { hz: 5500, seconds: 1, rate: 16_000 });
      const { line, events, uac } = await startLineWithUac(
        { autoAnswer: true, media: { codecs: [codec, 'PCMU'], record: true, play: prompt } },
        { clock, dataDir },
        cleanups,
      );
      const sink = await mediaSink();
      cleanups.push(() => sink.close());
      const { payloadType, rtpmap, ticksPerFrame } = WIRE[codec];
      const callId = uac.invite(offerSdp('127.0.0.1', sink.port, `${payloadType} 101`, [rtpmap, 'a=rtpmap:101 telephone-event/8000']));
      const final = await uac.waitFinal(callId);
      expect(final.status).toBe(200);
      if (codec === 'opus') expect(final.text).toContain('maxplaybackrate=16000');
      const { lineCallId } = await events.waitFor('answered');
      uac.ack(callId);
      const rtpPort = Number(/^m=audio (\d+)/m.exec(final.text)?.[1]);
      expect(line.audioOf(lineCallId)?.sampleRate).toBe(16_000);

      const peer = new PeerStream(line, lineCallId, (packet) => sink.send(packet, rtpPort), clock);
      const frames = 100;
      await peer.play(codec, 6000, frames, async (index) => {
        if (index === 75) await line.execute({ type: 'dtmf', lineCallId, digits: '5' });
      });
      // On-time packets have no jitter only when it is counted in the codec's RTP clock (48 kHz for Opus).
      expect(line.callMedia(lineCallId)).toMatchObject({ codec, audioRate: 16_000, packetsLost: 0 });
      expect(line.callMedia(lineCallId)!.jitterMs).toBeLessThan(0.5);
      await waitFor(() => sink.packets.length >= frames - 10, 'the line RTP at the peer', 10_000);
      await line.execute({ type: 'hangup', lineCallId });
      const ended = await events.waitFor('ended');
      expect(ended.media).toMatchObject({ recorded: true, quality: { codec, packetsLost: 0 } });

      // The recording: 16 kHz, as long as the call ran on the media clock, the peer's 6 kHz on the right
      // and our 5.5 kHz prompt on the left.
      const wav = readWav(join(dataDir, 'recordings', `${lineCallId}.wav`));
      expect(wav.sampleRate).toBe(16_000);
      expect(Math.abs(wav.durationMs - frames * 20)).toBeLessThan(100);
      const [left, right] = wav.channels as [Int16Array, Int16Array];
      const heard = soundSpan(right);
      expect(heard).toBeDefined();
      expect(Math.abs(dominantFrequency(right, 16_000, heard!.first + 1600) - 6000)).toBeLessThan(5);
      const said = soundSpan(left);
      expect(said).toBeDefined();
      expect(Math.abs(dominantFrequency(left, 16_000, said!.first + 1600) - 5500)).toBeLessThan(5);
      expect(Math.abs(((said!.last - said!.first) * 1000) / 16_000 - 1000)).toBeLessThan(40);

      // What the peer got: the prompt at 5.5 kHz once it decodes our packets at 16 kHz.
      const sent = decodeSent(sink.packets, codec, 16_000);
      const sentSpan = soundSpan(sent);
      expect(sentSpan).toBeDefined();
      expect(Math.abs(dominantFrequency(sent, 16_000, sentSpan!.first + 1600) - 5500)).toBeLessThan(5);

      // RFC 4733 beside it: durations in telephone-event/8000 units (160 per 20 ms), and the voice
      // timestamp after the event moved on by as much in the codec's clock.
      const dtmf = sink.packets.filter((packet) => packet.payloadType === 101);
      expect(dtmf.length).toBeGreaterThan(0);
      const durations = dtmf.map(eventDuration);
      expect(durations.every((duration) => duration % 160 === 0)).toBe(true);
      const afterEvent = sink.packets.find((packet) => packet.payloadType === payloadType && packet.sequence > dtmf.at(-1)!.sequence)!;
      expect(afterEvent.timestamp).toBe((dtmf[0]!.timestamp + (Math.max(...durations) / 160) * ticksPerFrame) >>> 0);
    },
  );

  it('a G.722 call re-INVITEd to PCMU keeps 16 kHz: PCMU goes through the halfband converter, the recording stays one 16 kHz file', async () => {
    const clock = new SimulatedClock(0);
    const dataDir = mkdtempSync(join(tmpdir(), 'callhook-wideband-reinvite-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const { line, events, uac } = await startLineWithUac({ autoAnswer: true, media: { codecs: ['G722', 'PCMU'], record: true } }, { clock, dataDir }, cleanups);
    const sink = await mediaSink();
    cleanups.push(() => sink.close());
    const callId = uac.invite(offerSdp('127.0.0.1', sink.port, '9 0 101', [WIRE.G722.rtpmap, 'a=rtpmap:101 telephone-event/8000']));
    const final = await uac.waitFinal(callId);
    expect(final.text).toMatch(/^m=audio \d+ RTP\/AVP 9 101\r$/m);
    const { lineCallId } = await events.waitFor('answered');
    uac.ack(callId);
    const rtpPort = Number(/^m=audio (\d+)/m.exec(final.text)?.[1]);
    const peer = new PeerStream(line, lineCallId, (packet) => sink.send(packet, rtpPort), clock);
    await peer.play('G722', 6000, 60);

    uac.reinvite(callId, offerSdp('127.0.0.1', sink.port, '0 101', [WIRE.PCMU.rtpmap, 'a=rtpmap:101 telephone-event/8000']));
    const reanswer = await uac.waitFinalOf(callId, 2);
    expect(reanswer.status).toBe(200);
    expect(reanswer.text).toMatch(/^m=audio \d+ RTP\/AVP 0 101\r$/m);
    uac.ackOf(callId, 2);
    await waitFor(() => line.callMedia(lineCallId)?.codec === 'PCMU', 'the line on PCMU', 10_000);
    const switchedAt = sink.packets.length;
    await peer.play('PCMU', 1000, 60);
    expect(line.callMedia(lineCallId)).toMatchObject({ codec: 'PCMU', audioRate: 16_000 });
    expect(line.audioOf(lineCallId)?.sampleRate).toBe(16_000);
    await waitFor(() => sink.packets.length >= switchedAt + 40, 'PCMU from the line', 10_000);
    // What we send after the switch is G.711 on the wire: 160 octets per 20 ms.
    const after = sink.packets.slice(switchedAt + 5);
    expect(after.every((packet) => packet.payloadType === 0 && packet.payload.length === 160)).toBe(true);
    await line.execute({ type: 'hangup', lineCallId });
    await events.waitFor('ended');

    const wav = readWav(join(dataDir, 'recordings', `${lineCallId}.wav`));
    expect(wav.sampleRate).toBe(16_000);
    expect(Math.abs(wav.durationMs - 120 * 20)).toBeLessThan(100);
    const right = wav.channels[1]!;
    // The G.722 part carries 6 kHz; the PCMU part (from 1.2 s on the media clock) its 1 kHz, at the same 16 kHz rate.
    expect(Math.abs(dominantFrequency(right, 16_000, 8000, 4096) - 6000)).toBeLessThan(5);
    expect(Math.abs(dominantFrequency(right, 16_000, right.length - 4096 - 1600, 4096) - 1000)).toBeLessThan(5);
  });
});
