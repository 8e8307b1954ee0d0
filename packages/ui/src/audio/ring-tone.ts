/**
 * The ringing sound, generated (no audio file): 440 Hz + 480 Hz together, two seconds on and four
 * off (the North American ring cadence), with 10 ms fades so it does not click.
 */
export const RING_TONE = { frequencies: [440, 480], onSeconds: 2, offSeconds: 4, fadeSeconds: 0.01, gain: 0.25 } as const;

/** One cycle of the ring cadence at `sampleRate` Hz (mono float samples); loop it to ring. */
export function ringCycle(sampleRate: number): Float32Array<ArrayBuffer> {
  const { frequencies, onSeconds, offSeconds, fadeSeconds, gain } = RING_TONE;
  const samples = new Float32Array(Math.round((onSeconds + offSeconds) * sampleRate));
  const on = Math.round(onSeconds * sampleRate);
  const fade = Math.round(fadeSeconds * sampleRate);
  for (let i = 0; i < on; i++) {
    const t = i / sampleRate;
    const envelope = Math.min(1, i / fade, (on - i) / fade);
    let value = 0;
    for (const f of frequencies) value += Math.sin(2 * Math.PI * f * t);
    samples[i] = (value / frequencies.length) * gain * envelope;
  }
  return samples;
}

/** Plays the ring cadence in a loop on its own AudioContext while ringing is on. */
export class Ringer {
  private context: AudioContext | null = null;
  private source: AudioBufferSourceNode | null = null;
  private output: string | null = null;

  /** @param createContext makes the AudioContext (tests may route it elsewhere) */
  constructor(private readonly createContext: () => AudioContext = () => new AudioContext()) {}

  get ringing(): boolean {
    return this.source !== null;
  }

  /** Starts or stops the ringing sound; starting twice rings once. */
  async setRinging(on: boolean): Promise<void> {
    if (on === this.ringing) return;
    if (!on) return void this.stopSource();
    const context = (this.context ??= this.createContext());
    await this.applyOutput(context);
    const buffer = context.createBuffer(1, Math.round((RING_TONE.onSeconds + RING_TONE.offSeconds) * context.sampleRate), context.sampleRate);
    buffer.copyToChannel(ringCycle(context.sampleRate), 0);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.loop = true;
    source.connect(context.destination);
    source.start();
    this.source = source;
    if (context.state === 'suspended') await context.resume();
  }

  /** The speaker to ring on (null: system default), where the browser can choose. */
  async setOutputDevice(deviceId: string | null): Promise<void> {
    this.output = deviceId;
    if (this.context) await this.applyOutput(this.context);
  }

  async close(): Promise<void> {
    this.stopSource();
    const context = this.context;
    this.context = null;
    await context?.close().catch(() => undefined);
  }

  private stopSource(): void {
    this.source?.stop();
    this.source?.disconnect();
    this.source = null;
  }

  private async applyOutput(context: AudioContext): Promise<void> {
    if (!('setSinkId' in context)) return;
    await (context as AudioContext & { setSinkId(id: string): Promise<void> }).setSinkId(this.output ?? '').catch(() => undefined);
  }
}
