/**
 * PCM audio of one call: 16-bit signed mono at `sampleRate` Hz in 20 ms frames.
 *
 * The seam between a call's media path (RTP, codecs, jitter buffer) and whatever talks on the call:
 * the desktop's microphone and speaker, or a headless prompt. Get one with `SipLine.audioOf(callGuid)`.
 * Frames are `sampleRate / 50` samples long (160 at 8000 Hz, 320 at 16000 Hz). A received frame
 * belongs to the listener (a fresh array each time).
 */
export interface CallAudioPort {
  /**
   * The call's audio rate in Hz: 16000 when its first agreed codec is G.722 or Opus, 8000 for G.711
   * (and while no codec is agreed yet); settled once the call's first offer/answer completes, before
   * it is answered, and the same for the rest of the call.
   */
  readonly sampleRate: number;
  /** Frames the far end sent, after the jitter buffer and concealment; returns an unsubscribe. */
  onReceive(listener: (frame: Int16Array) => void): () => void;
  /** A frame to send (replaces silence / prompts while attached); one of another length than `sampleRate / 50` is dropped. */
  send(frame: Int16Array): void;
}
