import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CallAudio, createCodec, estimateMos, JitterBuffer, loadWavPrompt, loadWavPrompts, ReceiveStats, SipLineSchema, WavRecorder } from '../src/index.js';
import { codecImpairment } from '../src/media/call-quality.js';
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

/** `seconds` of a sine at `hz` sampled at `rate`, amplitude 8000. */
function sine(hz: number, rate: number, samples: number): Int16Array {
  return Int16Array.from({ length: samples }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)));
}

/** `pcm` through `codec` in 20 ms frames (encode, then decode), as a call's two ends would. */
function roundTrip(codec: ReturnType<typeof createCodec>, pcm: Int16Array, frameSamples: number): Int16Array {
  const out = new Int16Array(pcm.length);
  for (let at = 0; at + frameSamples <= pcm.length; at += frameSamples) out.set(codec.decode(codec.encode(pcm.subarray(at, at + frameSamples))), at);
  return out;
}

/** RMS of `pcm` from `from` on. */
function rmsFrom(pcm: Int16Array, from: number): number {
  let sum = 0;
  for (let i = from; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  return Math.sqrt(sum / (pcm.length - from));
}

describe('codecs', () => {
  it.each(['PCMU', 'PCMA', 'G722', 'opus'] as const)('%s on an 8 kHz call carries a 1 kHz tone through encode and decode', (name) => {
    const codec = createCodec(name, 8000);
    expect(codec.sampleRate).toBe(8000);
    const out = roundTrip(codec, sine(1000, 8000, 4096 + 160 * 4), 160);
    codec.close();
    expect(Math.abs(dominantFrequency(out, 8000, 320) - 1000)).toBeLessThan(5);
  });

  it.each(['G722', 'opus'] as const)('%s on a 16 kHz call (its own rate) carries a 6 kHz tone, which narrowband cannot', (name) => {
    const codec = createCodec(name);
    expect(codec.sampleRate).toBe(16_000);
    const out = roundTrip(codec, sine(6000, 16_000, 8192 + 320 * 4), 320);
    codec.close();
    expect(Math.abs(dominantFrequency(out, 16_000, 640) - 6000)).toBeLessThan(5);
    expect(rmsFrom(out, 640)).toBeGreaterThan(2000);
  });

  it('G.711 on a 16 kHz call carries 1 kHz and cuts 6 kHz (band-limited to 4 kHz by the halfband filter)', () => {
    const codec = createCodec('PCMU', 16_000);
    expect(codec).toMatchObject({ sampleRate: 16_000, clockRate: 8000 });
    const low = roundTrip(codec, sine(1000, 16_000, 8192 + 320 * 4), 320);
    expect(codec.encode(new Int16Array(320))).toHaveLength(160);
    expect(Math.abs(dominantFrequency(low, 16_000, 640) - 1000)).toBeLessThan(5);
    const high = roundTrip(codec, sine(6000, 16_000, 8192 + 320 * 4), 320);
    codec.close();
    expect(rmsFrom(high, 640)).toBeLessThan(50);
  });

  it('refuses a rate other than 8000 or 16000, naming it', () => {
    expect(() => createCodec('opus', 48_000 as 16_000)).toThrow(/sampleRate 48000 Hz; use 8000 or 16000/);
  });

  it("holds 60 Opus codecs at once (30 calls' encoders and decoders) in opusscript's WebAssembly heap", () => {
    const codecs = Array.from({ length: 60 }, () => createCodec('opus'));
    try {
      for (const codec of codecs) expect(codec.decode(codec.encode(sine(1000, 16_000, 320)))).toHaveLength(320);
    } finally {
      for (const codec of codecs) codec.close();
    }
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

  it('reads a prompt once for each rate a line plays at: 16 kHz keeps a 6 kHz tone, 8 kHz filters it out', () => {
    const path = join(dir, 'high.wav');
    makeToneWav(path, { hz: 6000, seconds: 1, rate: 48000 });
    const byRate = loadWavPrompts(path, [8000, 16_000, 8000]);
    expect([...byRate.keys()]).toEqual([8000, 16_000]);
    const wide = byRate.get(16_000)!;
    expect(wide.length).toBe(16_000);
    expect(Math.abs(dominantFrequency(wide, 16_000, 1024) - 6000)).toBeLessThan(5);
    expect(rmsFrom(wide, 1024)).toBeGreaterThan(5000);
    // 6 kHz is above an 8 kHz signal's Nyquist limit: wavefile's low-pass takes it out instead of aliasing it to 2 kHz.
    expect(Math.abs(byRate.get(8000)!.length - 8000)).toBeLessThanOrEqual(1); // 48 → 8 kHz: wavefile gives 7999
    expect(rmsFrom(byRate.get(8000)!, 1024)).toBeLessThan(rmsFrom(wide, 1024) / 10);
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

  it('records at the rate it is given: a 16 kHz header and 320-sample frames', () => {
    const path = join(dir, 'rec', 'wide.wav');
    const recorder = new WavRecorder(path, silentLogger, 16_000);
    const wide = (value: number) => new Int16Array(320).fill(value);
    for (let i = 0; i < 75; i++) recorder.write(wide(1000), wide(-1000));
    recorder.close();
    const wav = readWav(path);
    expect(wav.sampleRate).toBe(16_000);
    expect(wav.durationMs).toBe(1500);
    expect(wav.channels[1]![319]).toBe(-1000);
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
    const audio = new CallAudio(
      { log: (_level, message) => logs.push(message) },
      { prompt: new Map([[8000, prompt]]), holdMusic: new Map([[8000, holdMusic]]) },
    );
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

  it('runs at the rate it is fixed to: 320-sample frames, the 16 kHz prompt, and a recording opened at that rate', () => {
    const logs: Record<string, unknown>[] = [];
    const prompt16 = Int16Array.from({ length: 640 }, (_, i) => 1 + i);
    const audio = new CallAudio(
      { log: (_level, _message, fields) => logs.push(fields ?? {}) },
      {
        prompt: new Map([
          [8000, new Int16Array(160).fill(9)],
          [16_000, prompt16],
        ]),
      },
    );
    expect(audio.sampleRate).toBe(8000);
    const rates: number[] = [];
    const path = join(dir, 'rec', 'fixed.wav');
    audio.record((sampleRate) => (rates.push(sampleRate), new WavRecorder(path, silentLogger, sampleRate)));
    expect(rates).toEqual([]); // opened only once the rate is known
    expect(audio.fixRate(16_000)).toBe(16_000);
    expect(audio.fixRate(8000)).toBe(16_000); // a later codec does not change it
    expect(rates).toEqual([16_000]);
    expect(audio.frameSamples).toBe(320);
    const first = audio.tick();
    expect(first).toHaveLength(320);
    expect(first[319]).toBe(320);
    audio.send(new Int16Array(160));
    expect(logs.at(-1)).toMatchObject({ expected: 320, sampleRate: 16_000, got: 160 });
    audio.send(new Int16Array(320).fill(5));
    expect(audio.tick()[0]).toBe(5);
    expect(audio.tick()[0]).toBe(641 - 320); // the prompt goes on
    expect(audio.tick()).toEqual(new Int16Array(320)); // then silence at 320 samples
    audio.close();
    expect(readWav(path)).toMatchObject({ sampleRate: 16_000, durationMs: 80 });
  });

  it('caps the rate at maxSampleRate, and a clock that ticks before any codec fixes 8 kHz', () => {
    expect(new CallAudio(silentLogger, {}, { maxSampleRate: 8000 }).fixRate(16_000)).toBe(8000);
    const early = new CallAudio(silentLogger);
    expect(early.tick()).toHaveLength(160);
    expect(early.fixRate(16_000)).toBe(8000);
  });
});

describe('call quality on the narrowband E-model scale', () => {
  it('takes G.722 and Opus at Ie 0 on a 16 kHz call and at their narrowband figures on an 8 kHz one', () => {
    expect(codecImpairment('G722', 16_000)).toEqual({ ie: 0, bpl: 25.1 });
    expect(codecImpairment('opus', 16_000)).toEqual({ ie: 0, bpl: 20 });
    expect(codecImpairment('G722', 8000)).toEqual({ ie: 1, bpl: 25.1 });
    expect(codecImpairment('opus', 8000)).toEqual({ ie: 11, bpl: 20 });
    expect(codecImpairment('PCMU', 16_000)).toEqual(codecImpairment('PCMU', 8000));
  });
});
