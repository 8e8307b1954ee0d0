// The one place desktop main names the SIP line's audio types. Until @callhook/sip exports them, a
// local copy; when it does, this file becomes:
//   export type { CallAudioPort } from '@callhook/sip';
// and everything else keeps importing from here.

/** PCM audio of one call: 16-bit signed mono at `sampleRate` Hz in 20 ms frames. */
export interface CallAudioPort {
  readonly sampleRate: number;
  /** Each frame the remote party sent; returns the unsubscribe function. */
  onReceive(listener: (frame: Int16Array) => void): () => void;
  /** One frame (20 ms at `sampleRate`) to send to the remote party. */
  send(frame: Int16Array): void;
}

/** A line that carries audio: it hands out the audio of a call it knows by its own call id (`lineCallId`). */
export interface AudioLine {
  audioOf(lineCallId: string): CallAudioPort | null | undefined;
}

/** The audio of call `lineCallId` on `line`, or null when the line carries no audio (no `audioOf`) or has none for that call. */
export function audioOfLine(line: object, lineCallId: string): CallAudioPort | null {
  const audioOf = (line as Partial<AudioLine>).audioOf;
  return typeof audioOf === 'function' ? (audioOf.call(line, lineCallId) ?? null) : null;
}
