// The one place desktop main names the SIP line's audio types (`SipLine.audioOf` hands them out).
import type { CallAudioPort } from '@callhook/sip';

export type { CallAudioPort };

/** A line that carries audio: it hands out the audio of a call it knows by its own call id (`lineCallId`). */
export interface AudioLine {
  audioOf(lineCallId: string): CallAudioPort | null | undefined;
}

/** The audio of call `lineCallId` on `line`, or null when the line carries no audio (no `audioOf`) or has none for that call. */
export function audioOfLine(line: object, lineCallId: string): CallAudioPort | null {
  const audioOf = (line as Partial<AudioLine>).audioOf;
  return typeof audioOf === 'function' ? (audioOf.call(line, lineCallId) ?? null) : null;
}
