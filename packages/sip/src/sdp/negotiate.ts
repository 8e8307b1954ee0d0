import { SdpError } from './sdp-error.js';
import type { AudioCodec } from './sdp-build.js';
import type { RemoteAudio } from './sdp-parse.js';

/** The codecs of our answer: the first voice codec both sides have, plus telephone-event if offered. */
export function answerCodecs(remote: RemoteAudio): AudioCodec[] {
  const voice = remote.payloadTypes.find((pt) => ['pcmu', 'pcma'].includes(remote.encodings.get(pt) ?? ''));
  if (voice === undefined) throw new SdpError(305, 'the peer offers neither PCMU nor PCMA');
  const codecs: AudioCodec[] = [{ payloadType: voice, name: remote.encodings.get(voice) === 'pcmu' ? 'PCMU' : 'PCMA' }];
  const events = telephoneEventType(remote);
  if (events !== undefined) codecs.push({ payloadType: events, name: 'telephone-event' });
  return codecs;
}

/** The voice codec the peer's answer chose among ours: its first PCMU/PCMA. */
export function chosenVoiceCodec(remote: RemoteAudio): AudioCodec {
  return answerCodecs(remote)[0]!;
}

export function telephoneEventType(remote: RemoteAudio): number | undefined {
  return remote.payloadTypes.find((pt) => remote.encodings.get(pt) === 'telephone-event');
}
