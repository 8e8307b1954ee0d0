import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import wavefile from 'wavefile';
import type { Logger } from '@callhook/core';
import { frameSamples, PCM_RATE } from './codec.js';

/** Frames gathered before one write to the file (50 × 20 ms = 1 s: 32 kB at 8 kHz, 64 kB at 16 kHz). */
const FRAMES_PER_WRITE = 50;

/**
 * Records a call as a stereo 16-bit WAV at `sampleRate` Hz (the call's audio rate, which the header
 * states: 8000 for G.711 calls, 16000 for G.722 and Opus): left what we send, right what the peer sent
 * (after the jitter buffer). The header comes from the wavefile package; samples are appended as the
 * call goes (a long call is never held in memory) and the RIFF and data sizes are set at `close()`
 * (RIFF layout: size at byte 4, data size at byte 40 of the canonical 44-byte header).
 * File errors are logged once and recording stops; the call goes on. Never throws.
 */
export class WavRecorder {
  private fd: number | undefined;
  private readonly chunk: Int16Array;
  private filled = 0;
  private dataBytes = 0;

  /** Opens (creates or truncates) `path` and writes the header; a file error is logged and nothing is recorded. */
  constructor(
    readonly path: string,
    private readonly logger: Logger,
    readonly sampleRate: number = PCM_RATE,
  ) {
    this.chunk = new Int16Array(FRAMES_PER_WRITE * frameSamples(sampleRate) * 2);
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      this.fd = openSync(path, 'w', 0o600);
      const header = new wavefile.WaveFile();
      header.fromScratch(2, sampleRate, '16', []);
      writeSync(this.fd, header.toBuffer());
    } catch (error) {
      this.fail(error);
    }
  }

  /** Whether any audio reached the file. */
  get wroteAudio(): boolean {
    return this.dataBytes > 0;
  }

  /** Whether the file is being written. */
  get active(): boolean {
    return this.fd !== undefined;
  }

  /** Appends one frame pair (equal lengths); `remote` undefined is silence. */
  write(local: Int16Array, remote: Int16Array | undefined): void {
    if (this.fd === undefined) return;
    for (let i = 0; i < local.length; i++) {
      this.chunk[this.filled++] = local[i]!;
      this.chunk[this.filled++] = remote?.[i] ?? 0;
      if (this.filled === this.chunk.length) this.flush();
    }
  }

  /** Writes what is left and the final sizes, and closes the file. Idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    const fd = this.fd;
    try {
      const sizes = Buffer.alloc(4);
      sizes.writeUInt32LE(36 + this.dataBytes, 0);
      writeSync(fd, sizes, 0, 4, 4);
      sizes.writeUInt32LE(this.dataBytes, 0);
      writeSync(fd, sizes, 0, 4, 40);
    } catch (error) {
      this.fail(error);
    }
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // already reported
    }
  }

  private flush(): void {
    if (this.fd === undefined || this.filled === 0) return;
    try {
      const bytes = Buffer.from(this.chunk.buffer, 0, this.filled * 2);
      writeSync(this.fd, bytes);
      this.dataBytes += bytes.length;
    } catch (error) {
      this.fail(error);
    }
    this.filled = 0;
  }

  private fail(error: unknown): void {
    this.logger.log('error', 'call recording failed: recording stopped', { path: this.path, error: (error as Error).message });
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // nothing more to do
      }
    }
    this.fd = undefined;
  }
}
