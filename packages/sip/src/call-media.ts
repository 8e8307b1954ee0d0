/**
 * The media half of the SIP line: what a call needs and registration does not — the SDP handler and
 * its RTP stream (RTCP on werift-rtp), the codecs (G.711 on alawmulaw, G.722, opus), the call's audio,
 * SRTP (werift-rtp's sessions, hash-wasm's SHA-1, `@callhook/srtp-openssl`). About half of the SIP
 * stack's code (~0.6 MB of source with those libraries), so the line keeps it out of its start: it is
 * loaded by {@link loadCallMedia} (src/call-media-loader.ts) — by the host in idle time after it is
 * ready (`preloadCallMedia` of `@callhook/sip/lazy`), else at the line's first call.
 * Nothing here may be imported statically by the line's signalling half (line/, transport/, message/).
 */
export { PlainSessionDescriptionHandler } from './sdp/plain-sdh.js';
export { CallAudio } from './media/call-audio.js';
