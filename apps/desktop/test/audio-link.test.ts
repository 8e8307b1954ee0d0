import type { Logger } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import { createAudioLink } from '../src/main/audio-link.js';
import { FakeAudioPort, FakeCallAudio } from './support/fakes.js';

const logged: string[] = [];
const logger: Logger = { log: (_level, message) => void logged.push(message) };
const frame = (samples: number, value = 1) => new Int16Array(samples).fill(value);

describe('audio link: MessagePort ↔ CallAudioPort', () => {
  it('tells the renderer the rate on attach and carries frames both ways', () => {
    const port = new FakeAudioPort();
    const audio = new FakeCallAudio(16_000);
    const link = createAudioLink(port, logger);
    expect(port.started).toBe(true);
    link.attach('call-1', audio);
    expect(port.controls()).toEqual([{ type: 'attach', call: 'call-1', sampleRate: 16_000 }]);

    const up = frame(320, 7);
    port.deliver(up);
    expect(audio.sent).toEqual([up]);
    audio.receive(frame(320, 9));
    expect(port.frames()).toEqual([frame(320, 9)]);
    expect(link.stats()).toMatchObject({ framesIn: 1, framesOut: 1, dropped: 0 });
  });

  it('drops and counts every bad message from the renderer, and keeps carrying good ones', () => {
    const port = new FakeAudioPort();
    const audio = new FakeCallAudio(8000);
    const link = createAudioLink(port, logger);
    port.deliver(frame(160));
    link.attach('call-1', audio);
    for (const bad of ['hello', { type: 'attach' }, null, 42, frame(159), frame(161), new Float32Array(160), new Uint8Array(3), new ArrayBuffer(100)])
      port.deliver(bad);
    port.deliver(frame(160, 5));
    expect(link.stats().droppedBy).toEqual({ no_call: 1, not_a_frame: 5, wrong_size: 4, bad_control: 0 });
    expect(link.stats().dropped).toBe(10);
    expect(audio.sent).toEqual([frame(160, 5)]);
    expect(logged.some((line) => line.includes('dropped'))).toBe(true);
  });

  it('takes a frame flattened to bytes (320 bytes at 8 kHz) as little-endian samples', () => {
    const port = new FakeAudioPort();
    const audio = new FakeCallAudio(8000);
    createAudioLink(port, logger).attach('c', audio);
    const bytes = new Uint8Array(frame(160, 258).buffer.slice(0));
    port.deliver(bytes);
    expect(audio.sent[0]).toEqual(frame(160, 258));
    // A Node Buffer (what Electron makes of some binary clones) lives in a shared pool: only its own bytes count.
    const pooled = Buffer.from(new Uint8Array(frame(160, -2).buffer));
    port.deliver(pooled);
    expect(audio.sent[1]).toEqual(frame(160, -2));
  });

  it('drops frames of the wrong size from the line instead of posting them', () => {
    const port = new FakeAudioPort();
    const audio = new FakeCallAudio(8000);
    const link = createAudioLink(port, logger);
    link.attach('c', audio);
    audio.receive(frame(100));
    expect(port.frames()).toEqual([]);
    expect(link.stats().framesOut).toBe(0);
  });

  it('detaches: unsubscribes from the line, tells the renderer, and frames from then on are no_call', () => {
    const port = new FakeAudioPort();
    const audio = new FakeCallAudio();
    const link = createAudioLink(port, logger);
    link.attach('call-1', audio);
    link.detach();
    expect(audio.subscribers).toBe(0);
    expect(port.controls().at(-1)).toEqual({ type: 'detach', call: 'call-1' });
    port.deliver(frame(160));
    expect(audio.sent).toEqual([]);
    expect(link.stats().droppedBy.no_call).toBe(1);
  });

  it('moves to another call: the first is detached before the second attaches', () => {
    const port = new FakeAudioPort();
    const first = new FakeCallAudio(8000);
    const second = new FakeCallAudio(48_000);
    const link = createAudioLink(port, logger);
    link.attach('a', first);
    link.attach('b', second);
    expect(port.controls()).toEqual([
      { type: 'attach', call: 'a', sampleRate: 8000 },
      { type: 'detach', call: 'a' },
      { type: 'attach', call: 'b', sampleRate: 48_000 },
    ]);
    expect(first.subscribers).toBe(0);
    port.deliver(frame(960));
    expect(second.sent).toHaveLength(1);
  });

  it('refuses a line rate outside 8–48 kHz as unavailable instead of attaching', () => {
    const port = new FakeAudioPort();
    const audio = new FakeCallAudio(96_000);
    createAudioLink(port, logger).attach('c', audio);
    expect(port.controls()).toEqual([{ type: 'unavailable', call: 'c', reason: 'unsupported sample rate 96000 Hz' }]);
    expect(audio.subscribers).toBe(0);
  });

  it('stops when the renderer closes its end: nothing more is posted, the line is unsubscribed', () => {
    const port = new FakeAudioPort();
    const audio = new FakeCallAudio();
    createAudioLink(port, logger).attach('c', audio);
    port.closeFromRenderer();
    expect(audio.subscribers).toBe(0);
    expect(() => audio.receive(frame(160))).not.toThrow();
  });

  it('survives a line whose send throws', () => {
    const port = new FakeAudioPort();
    const audio = new FakeCallAudio();
    audio.send = () => {
      throw new Error('socket closed');
    };
    const link = createAudioLink(port, logger);
    link.attach('c', audio);
    expect(() => port.deliver(frame(160))).not.toThrow();
    expect(logged.some((line) => line.includes('socket closed'))).toBe(true);
  });
});
