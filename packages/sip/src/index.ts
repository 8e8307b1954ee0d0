import { SipLine, type SipLineDeps } from './line/sip-line.js';
import type { SipLineSettings } from './settings/sip-line-schema.js';

export { SipLine, type SipLineDeps } from './line/sip-line.js';
export { SipError, type SipErrorCode } from './errors.js';
export { SipLineSchema, SipMediaSchema, SipOverloadSchema, SipTcpLimitsSchema, SipTlsSchema, type SipLineSettings } from './settings/sip-line-schema.js';
export { sipLinePlugin } from './sip-line-plugin.js';
export { systemClock, cryptoRandom } from '@callhook/node';
export { peekSipMessage, type PeekedMessage } from './message/peek.js';
export { TcpFramer } from './transport/tcp-framer.js';
export { Retransmitter, DEFAULT_TIMERS, type RetransmitTimers } from './transport/retransmitter.js';
export { NodeSipTransport, type NodeSipTransportOptions, type OverloadStats, type SocketStats } from './transport/node-sip-transport.js';
export { InviteAdmission, type InviteAdmissionOptions, type OfferResult } from './transport/invite-admission.js';
export { DEFAULT_OVERLOAD, type OverloadLimits } from './transport/overload-limits.js';
export { UdpEndpoint } from './transport/udp-endpoint.js';
export { TcpEndpoint, DEFAULT_TCP_LIMITS, type TcpLimits } from './transport/tcp-endpoint.js';
export { TlsEndpoint, type TlsEndpointOptions } from './transport/tls-endpoint.js';
export { loadTlsMaterial, type TlsClientMaterial, type TlsFileSettings } from './transport/tls-trust.js';
export type { SipEndpoint, Peer, InboundMessage } from './transport/endpoint.js';
export { PlainSessionDescriptionHandler, type PlainSdhOptions } from './sdp/plain-sdh.js';
export { buildSdp, OFFERED_CODECS } from './sdp/sdp-build.js';
export { parseRemoteAudio, type RemoteAudio } from './sdp/sdp-parse.js';
export { RtpStream } from './rtp/rtp-stream.js';
export type { CallAudioPort } from './media/call-audio-port.js';
export { CallAudio, type CallAudioSources, type CallAudioOptions, type RatedPcm } from './media/call-audio.js';
export {
  CODEC_NAMES,
  PCM_RATE,
  WIDEBAND_RATE,
  FRAME_SAMPLES,
  frameSamples,
  audioRateOf,
  type AudioRate,
  type CodecName,
  type VoiceCodec,
} from './media/codec.js';
export { createCodec } from './media/codecs.js';
export { JitterBuffer, type JitterBufferLimits } from './media/jitter-buffer.js';
export { ReceiveStats } from './media/receive-stats.js';
export { estimateMos, type MosInput } from './media/mos.js';
export { loadWavPrompt, loadWavPrompts } from './media/wav-prompt.js';
export { WavRecorder } from './media/wav-recorder.js';
export { offerCodecs, answerCodecs, DEFAULT_CODECS } from './sdp/negotiate.js';
export { type MediaCounters } from './rtp/rtp-stream.js';
export { causeOfFailure } from './line/end-cause.js';
export { SrtpTransform, type SrtpCounters } from './srtp/srtp-transform.js';
export { srtpCipher, type SrtpCipher } from './srtp/srtp-cipher.js';
export { parseCryptoAttribute, formatCryptoAttribute, newCryptoAttribute, type CryptoAttribute, type SrtpSuite } from './srtp/crypto-attribute.js';
export { targetUri, userPart } from './line/target-uri.js';
export { QUALITY_REPORT_MS } from './line/quality-report.js';

/** Builds the SIP line for validated settings; `start()` binds the socket and registers. */
export function createSipLine(settings: SipLineSettings, deps: SipLineDeps = {}): SipLine {
  return new SipLine(settings, deps);
}
export { CSTA_NAMESPACES, editionOf, type CstaEdition } from './csta/csta-namespaces.js';
export { CstaXmlError, type CstaXmlErrorCode } from './csta/csta-xml-error.js';
export { encodeCstaRequest } from './csta/csta-encode.js';
export { decodeCstaMessage } from './csta/csta-decode.js';
export type {
  AutoOriginate,
  ConnectionId,
  CstaEvent,
  CstaEventType,
  CstaMessage,
  CstaNegativeResponse,
  CstaPositiveResponse,
  CstaRequest,
  CstaResults,
  CstaService,
  SnapshotCall,
} from './csta/csta-types.js';
export { CstaSession, type CstaRequestOf } from './csta/csta-session.js';
export {
  CstaRequestError,
  type CstaRequestErrorCode,
  type CstaSessionDeps,
  type CstaSessionOptions,
  type CstaSessionStatus,
} from './csta/csta-session-types.js';
export { CSTA_CONTENT_TYPE } from './csta/csta-dialog.js';
