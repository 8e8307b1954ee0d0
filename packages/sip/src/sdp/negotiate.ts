import type { CodecName } from '../media/codec.js';
import { SdpError } from './sdp-error.js';
import type { AudioCodec } from './sdp-build.js';
import type { RemoteAudio, RemoteFormat } from './sdp-parse.js';

/** The voice codecs callhook offers when `line.media.codecs` is not set, in preference order. */
export const DEFAULT_CODECS: readonly CodecName[] = ['PCMU', 'PCMA'];

/** What each codec looks like in SDP: rtpmap name, clock rate, channels, static or dynamic type, fmtp. */
const SDP_FORMS: Record<CodecName, { encoding: string; clockRate: number; channels?: number; payloadType: number; fmtp?: string }> = {
  PCMU: { encoding: 'pcmu', clockRate: 8000, payloadType: 0 },
  PCMA: { encoding: 'pcma', clockRate: 8000, payloadType: 8 },
  // RFC 3551 §4.5.2: G722/8000 although G.722 samples at 16 kHz (the RTP clock runs at 8000 Hz).
  G722: { encoding: 'g722', clockRate: 8000, payloadType: 9 },
  // RFC 7587 §7: always opus/48000/2; we ask for wideband (16 kHz, what a call with Opus runs at) mono
  // with in-band FEC (RFC 7587 §6.1: maxplaybackrate and sprop-maxcapturerate say what we play and capture).
  opus: { encoding: 'opus', clockRate: 48000, channels: 2, payloadType: 111, fmtp: 'maxplaybackrate=16000;sprop-maxcapturerate=16000;stereo=0;useinbandfec=1' },
};
const EVENT_PAYLOAD_TYPE = 101;

/** The codecs of an offer, in the user's preference order, plus telephone-event (RFC 4733). */
export function offerCodecs(preference: readonly CodecName[] = DEFAULT_CODECS): AudioCodec[] {
  return [...preference.map((name) => sdpCodec(name, SDP_FORMS[name].payloadType)), { payloadType: EVENT_PAYLOAD_TYPE, name: 'telephone-event' }];
}

function sdpCodec(name: CodecName, payloadType: number): AudioCodec {
  const form = SDP_FORMS[name];
  return {
    payloadType,
    name,
    ...(form.clockRate === 8000 ? {} : { clockRate: form.clockRate }),
    ...(form.channels ? { channels: form.channels } : {}),
    ...(form.fmtp ? { fmtp: form.fmtp } : {}),
  };
}

function matches(format: RemoteFormat | undefined, name: CodecName): boolean {
  const form = SDP_FORMS[name];
  return format !== undefined && format.encoding === form.encoding && format.clockRate === form.clockRate;
}

function refusal(preference: readonly CodecName[]): string {
  if (preference.length === 2) return `the peer offers neither ${preference[0]} nor ${preference[1]}`;
  return `the peer offers none of ${preference.join(', ')}`;
}

/**
 * The codecs of our answer (RFC 3264 §6.1): the first codec of the user's preference order that the
 * offer has, under the offer's payload type, plus telephone-event if offered at 8000 Hz. Throws a 305
 * `SdpError` when no codec is shared.
 */
export function answerCodecs(remote: RemoteAudio, preference: readonly CodecName[] = DEFAULT_CODECS): AudioCodec[] {
  for (const name of preference) {
    const payloadType = remote.payloadTypes.find((pt) => matches(remote.formats.get(pt), name));
    if (payloadType === undefined) continue;
    const codecs: AudioCodec[] = [sdpCodec(name, payloadType)];
    const events = telephoneEventType(remote);
    if (events !== undefined) codecs.push({ payloadType: events, name: 'telephone-event' });
    return codecs;
  }
  throw new SdpError(305, refusal(preference));
}

/** The voice codec the peer's answer chose among ours: its first one we offered. */
export function chosenVoiceCodec(remote: RemoteAudio, preference: readonly CodecName[] = DEFAULT_CODECS): AudioCodec {
  for (const payloadType of remote.payloadTypes) {
    const name = preference.find((candidate) => matches(remote.formats.get(payloadType), candidate));
    if (name) return sdpCodec(name, payloadType);
  }
  throw new SdpError(305, refusal(preference));
}

/** Every voice payload type of the remote description we can decode, by codec (what the peer may send). */
export function receivableCodecs(remote: RemoteAudio): Map<number, CodecName> {
  const out = new Map<number, CodecName>();
  for (const payloadType of remote.payloadTypes) {
    const name = (Object.keys(SDP_FORMS) as CodecName[]).find((candidate) => matches(remote.formats.get(payloadType), candidate));
    if (name) out.set(payloadType, name);
  }
  return out;
}

/** The peer's telephone-event payload type at 8000 Hz (RFC 4733 §7.1.1), if any. */
export function telephoneEventType(remote: RemoteAudio): number | undefined {
  return remote.payloadTypes.find((pt) => {
    const format = remote.formats.get(pt);
    return format?.encoding === 'telephone-event' && format.clockRate === 8000;
  });
}
