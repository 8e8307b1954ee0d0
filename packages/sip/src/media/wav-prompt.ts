import { readFileSync } from 'node:fs';
import wavefile from 'wavefile';
import { PCM_RATE } from './codec.js';

/** WAVE format codes (RFC 2361 appendix A) that wavefile can turn into linear PCM. */
const FORMATS: Record<number, string> = { 1: 'PCM', 3: 'IEEE float', 6: 'A-law', 7: 'µ-law', 17: 'IMA ADPCM' };
/** Prompts longer than this are refused: they are held in memory decoded (10 min = 9.6 MB at 8 kHz, 19.2 MB at 16 kHz). */
const MAX_SECONDS = 600;

/**
 * Reads a WAV file (RIFF WAVE: PCM 8–32 bit, float, A-law, µ-law or IMA ADPCM; any rate; mono or
 * multi-channel mixed down) into 16-bit mono PCM at `sampleRate` Hz (default 8000), through the
 * wavefile package (its resampler converts the rate). Throws an Error whose message names the file,
 * what is wrong and the fix.
 */
export function loadWavPrompt(path: string, sampleRate: number = PCM_RATE): Int16Array {
  return convert(readWavBytes(path), path, sampleRate);
}

/**
 * A WAV file at each of `rates` (Hz), read once and converted once per rate: what a line plays on its
 * calls, each at the call's own audio rate (`CallAudioSources`). Errors as `loadWavPrompt`.
 */
export function loadWavPrompts(path: string, rates: Iterable<number>): Map<number, Int16Array> {
  const bytes = readWavBytes(path);
  const byRate = new Map<number, Int16Array>();
  for (const rate of rates) if (!byRate.has(rate)) byRate.set(rate, convert(bytes, path, rate));
  return byRate;
}

function readWavBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(
      `cannot read the WAV file ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give the path of a readable .wav file`,
    );
  }
}

function convert(bytes: Buffer, path: string, sampleRate: number): Int16Array {
  const wav = new wavefile.WaveFile();
  try {
    wav.fromBuffer(bytes);
  } catch (error) {
    throw new Error(`${path} is not a WAV file (${(error as Error).message}); convert it, e.g. sox in.mp3 -r ${sampleRate} -c 1 -b 16 ${path}`);
  }
  const fmt = wav.fmt as { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number };
  if (!FORMATS[fmt.audioFormat] || fmt.numChannels < 1 || fmt.sampleRate < 1) {
    throw new Error(
      `${path} has WAVE format ${fmt.audioFormat} that callhook cannot play; convert it to 16-bit PCM, e.g. sox ${path} -r ${sampleRate} -c 1 -b 16 out.wav`,
    );
  }
  try {
    if (fmt.audioFormat === 6) wav.fromALaw();
    else if (fmt.audioFormat === 7) wav.fromMuLaw();
    else if (fmt.audioFormat === 17) wav.fromIMAADPCM();
    if (fmt.sampleRate !== sampleRate) wav.toSampleRate(sampleRate);
    if (fmt.bitsPerSample !== 16 || fmt.audioFormat !== 1) wav.toBitDepth('16');
  } catch (error) {
    throw new Error(
      `cannot convert ${path} to 16-bit ${sampleRate} Hz (${(error as Error).message}); convert it first, e.g. sox ${path} -r ${sampleRate} -c 1 -b 16 out.wav`,
    );
  }
  const pcm = mono(wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[], fmt.numChannels);
  if (pcm.length === 0) throw new Error(`${path} holds no audio; record or convert a WAV with sound in it`);
  if (pcm.length > MAX_SECONDS * sampleRate) throw new Error(`${path} is longer than ${MAX_SECONDS} s; cut it (sox ${path} out.wav trim 0 ${MAX_SECONDS})`);
  return pcm;
}

/** One channel, or the average of several. */
function mono(samples: Int16Array | Int16Array[], channels: number): Int16Array {
  if (channels === 1 && !Array.isArray(samples)) return Int16Array.from(samples);
  const list = Array.isArray(samples) ? samples : [samples];
  const length = list[0]?.length ?? 0;
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (const channel of list) sum += channel[i] ?? 0;
    out[i] = Math.round(sum / list.length);
  }
  return out;
}
