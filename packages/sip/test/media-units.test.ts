import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CallAudio, createCodec, estimateMos, JitterBuffer, loadWavPrompt, ReceiveStats, SipLineSchema, WavRecorder } from '../src/index.js';
import { silentLogger } from '@callhook/core';
import { dominantFrequency, makeToneWav, readWav } from './support/audio-analysis.js';

const dir = mkdtempSync(join(tmpdir(), 'callhook-media-units-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const frame = (value: number) => new Int16Array(160).fill(value);

describe('JitterBuffer', () => {
  it('waits for its target, plays in timestamp order, and conceals a lost frame with a faded copy', () => {
    const buffer = new JitterBuffer({ minFrames: 3, maxFrames: 10 });
    buffer.push(1, frame(100));
    buffer.push(0, frame(50));
    expect(buffer.pull()).toBeUndefined();
    buffer.push(3, frame(300)); // 2 is lost
    expect(buffer.pull()).toMatchObject({ kind: 'audio', frame: frame(50) });
    expect(buffer.pull()).toMatchObject({ kind: 'audio', frame: frame(100) });
    const concealed = buffer.pull();
    expect(concealed?.kind).toBe('concealed');
    expect(concealed?.frame[0]).toBe(90);
    expect(buffer.pull()).toMatchObject({ kind: 'audio', frame: frame(300) });
    expect(buffer.concealed).toBe(1);
  });

  it('stretches on underrun so the late frame still plays, and deepens its target', () => {
    const buffer = new JitterBuffer({ minFrames: 2, maxFrames: 10 });
    buffer.push(0, frame(1));
    buffer.push(1, frame(2));
    buffer.pull();
    buffer.pull();
    expect(buffer.pull()?.kind).toBe('concealed'); // 2 has not arrived: nothing waits
    buffer.push(2, frame(3));
    expect(buffer.pull()).toMatchObject({ kind: 'audio', frame: frame(3) });
    expect(buffer.late).toBe(0);
    expect(buffer.targetFrames).toBe(3);
  });

  it('never holds more than its bound and counts frames that come after their turn as late', () => {
    const buffer = new JitterBuffer({ minFrames: 2, maxFrames: 5 });
    for (let i = 0; i < 20; i++) buffer.push(i, frame(i));
    expect(buffer.depth).toBe(5);
    expect(buffer.pull()?.frame[0]).toBe(15);
    buffer.push(3, frame(3));
    expect(buffer.late).toBe(1);
  });
});

describe('ReceiveStats (RFC 3550 §A.1, §A.3, §A.8)', () => {
  it('counts loss across a sequence wrap and measures jitter in ms', () => {
    const stats = new ReceiveStats(8000);
    let sequence = 65530;
    for (let i = 0; i < 20; i++, sequence = (sequence + 1) & 0xffff) {
      if (i === 7 || i === 12) continue; // two lost, after the wrap
      // Every other packet 10 ms late: |D| alternates 80 timestamp units.
      stats.receive(42, sequence, i * 160, i * 20 + (i % 2) * 10);
    }
    expect(stats.expected).toBe(20);
    expect(stats.lost).toBe(2);
    expect(stats.extendedMax).toBe(65536 + 13);
    expect(stats.jitterMs).toBeGreaterThan(5);
    expect(stats.jitterMs).toBeLessThan(10);
    expect(stats.takeFractionLost()).toBe(Math.floor((2 << 8) / 20));
    expect(stats.takeFractionLost()).toBe(0);
  });
});

describe('estimateMos (ITU-T G.107 simplified)', () => {
  it('gives G.711 without loss about 4.4, and less with loss and delay', () => {
    const clean = estimateMos({ oneWayDelayMs: 40, lossPercent: 0, codecIe: 0, codecBpl: 25.1 });
    expect(clean).toBeGreaterThan(4.3);
    expect(clean).toBeLessThanOrEqual(4.5);
    const lossy = estimateMos({ oneWayDelayMs: 40, lossPercent: 5, codecIe: 0, codecBpl: 25.1 });
    expect(lossy).toBeLessThan(clean);
    expect(lossy).toBeGreaterThan(3);
    expect(estimateMos({ oneWayDelayMs: 400, lossPercent: 5, codecIe: 0, codecBpl: 25.1 })).toBeLessThan(lossy);
    expect(estimateMos({ oneWayDelayMs: 2000, lossPercent: 100, codecIe: 0, codecBpl: 25.1 })).toBe(1);
  });
});

describe('codecs', () => {
  it.each(['PCMU', 'PCMA', 'G722', 'opus'] as const)('%s carries a 1 kHz tone through encode and decode', (name) => {
    const codec = createCodec(name);
    const tone = new Int16Array(4096 + 160 * 4);
    for (let i = 0; i < tone.length; i++) tone[i] = Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000));
    const out = new Int16Array(tone.length);
    for (let at = 0; at + 160 <= tone.length; at += 160) out.set(codec.decode(codec.encode(tone.subarray(at, at + 160))), at);
    codec.close();
    expect(Math.abs(dominantFrequency(out, 8000, 320) - 1000)).toBeLessThan(5);
  });

  it('refuses an Opus payload that is not Opus with an error, not a crash', () => {
    const codec = createCodec('opus');
    expect(() => codec.decode(new Uint8Array([0xff, 0xff, 0xff]))).toThrow();
    codec.close();
  });
});

describe('WAV files', () => {
  it('reads a 16 kHz stereo WAV as 8 kHz mono', () => {
    const path = join(dir, 'stereo.wav');
    makeToneWav(path, { hz: 500, seconds: 1, rate: 16000, channels: 2 });
    const pcm = loadWavPrompt(path);
    expect(pcm.length).toBe(8000);
    expect(Math.abs(dominantFrequency(pcm, 8000) - 500)).toBeLessThan(5);
  });

  it('refuses a missing or broken WAV at settings load, naming the path and the fix', () => {
    const broken = join(dir, 'broken.wav');
    writeFileSync(broken, 'not a wav');
    const missing = SipLineSchema.safeParse({ type: 'sip', aor: 'sip:1@h', media: { play: join(dir, 'nope.wav') } });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]?.message).toMatch(
      /line\.media\.play: cannot read the WAV file .*nope\.wav \(ENOENT\); give the path of a readable \.wav file/,
    );
    const bad = SipLineSchema.safeParse({ type: 'sip', aor: 'sip:1@h', media: { holdMusic: broken } });
    expect(bad.error?.issues[0]?.message).toMatch(/line\.media\.holdMusic: .*broken\.wav is not a WAV file .*convert it/);
  });

  it('records stereo frames and sets the sizes at close, so any WAV reader takes the file', () => {
    const path = join(dir, 'rec', 'call.wav');
    const recorder = new WavRecorder(path, silentLogger);
    for (let i = 0; i < 75; i++) recorder.write(frame(1000), i % 2 ? frame(-1000) : undefined);
    recorder.close();
    const wav = readWav(path);
    expect(wav.sampleRate).toBe(8000);
    expect(wav.durationMs).toBe(1500);
    expect(wav.channels[0]![0]).toBe(1000);
    expect(wav.channels[1]![160]).toBe(-1000);
    expect(wav.channels[1]![0]).toBe(0);
  });

  it('logs a recording it cannot write and goes on', () => {
    const logs: string[] = [];
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const recorder = new WavRecorder(join(file, 'x.wav'), { log: (_level, message) => logs.push(message) });
    recorder.write(frame(1), frame(2));
    recorder.close();
    expect(recorder.active).toBe(false);
    expect(logs).toContain('call recording failed: recording stopped');
  });
});

describe('CallAudio (what a call sends)', () => {
  it('sends the prompt once, hold music in a loop while held, host frames over both, else silence', () => {
    const logs: string[] = [];
    const prompt = Int16Array.from({ length: 320 }, (_, i) => 1000 + i);
    const holdMusic = Int16Array.from({ length: 240 }, (_, i) => -1 - i);
    const audio = new CallAudio({ log: (_level, message) => logs.push(message) }, { prompt, holdMusic });
    const heard: Int16Array[] = [];
    const unsubscribe = audio.onReceive((received) => heard.push(received));
    expect(audio.tick()[0]).toBe(1000);
    audio.setHeld(true);
    expect(audio.tick()[0]).toBe(-1);
    expect(audio.tick()[0]).toBe(-161);
    expect(audio.tick()[0]).toBe(-81); // wrapped: 320 mod 240
    audio.send(frame(7));
    expect(audio.tick()[0]).toBe(7);
    audio.setHeld(false);
    expect(audio.tick()[0]).toBe(1160); // the prompt goes on where it stopped
    expect(audio.tick().every((sample) => sample === 0)).toBe(true);
    audio.send(new Int16Array(10));
    expect(logs).toEqual(['call audio: dropped frames of the wrong length']);
    expect(heard).toHaveLength(7);
    unsubscribe();
    audio.tick();
    expect(heard).toHaveLength(7);
    audio.close();
  });
});
