import { writeFileSync } from 'node:fs';

/**
 * Writes a mono 16-bit PCM WAV of a sine at `frequency` Hz: the fake microphone's input
 * (`--use-file-for-fake-audio-capture`, which Chromium loops).
 */
export function writeToneWav(path: string, options: { frequency: number; sampleRate: number; seconds: number; amplitude: number }): void {
  const samples = Math.round(options.sampleRate * options.seconds);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    data.writeInt16LE(Math.round(options.amplitude * 32767 * Math.sin((2 * Math.PI * options.frequency * i) / options.sampleRate)), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(options.sampleRate, 24);
  header.writeUInt32LE(options.sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}
