import { describe, expect, it } from 'vitest';
import { buildSdp, OFFERED_CODECS, parseRemoteAudio } from '../src/index.js';
import { unacceptableOffer } from '../src/line/offer-check.js';
import { answerCodecs, offerCodecs, receivableCodecs } from '../src/sdp/negotiate.js';
import { mirror, withLocalHold } from '../src/sdp/direction.js';

const offer = (media: string, extra = '') => `v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n${media}\r\n${extra}`;

describe('SDP', () => {
  it('writes a plain RTP/AVP offer with PCMU, PCMA and telephone-event', () => {
    const sdp = buildSdp({ sessionId: 7, version: 1, address: '::1', port: 4000, codecs: OFFERED_CODECS, direction: 'sendonly' });
    expect(sdp).toContain('c=IN IP6 ::1\r\n');
    expect(sdp).toContain('m=audio 4000 RTP/AVP 0 8 101\r\n');
    expect(sdp).toContain('a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n');
    expect(sdp).toMatch(/a=sendonly\r\n$/);
  });

  it.each([
    ['a=sendonly', 'sendonly'],
    ['a=recvonly', 'recvonly'],
    ['a=inactive', 'inactive'],
    ['', 'sendrecv'],
  ])('reads direction %s', (line, direction) => {
    expect(parseRemoteAudio(offer('m=audio 5000 RTP/AVP 8', line)).direction).toBe(direction);
  });

  it("does not take a video stream's direction or address for the audio that follows it", () => {
    const sdp = offer('m=video 6000 RTP/AVP 96\r\nc=IN IP4 10.9.9.9\r\na=inactive\r\nm=audio 5000 RTP/AVP 0');
    expect(parseRemoteAudio(sdp)).toMatchObject({ direction: 'sendrecv', address: '10.0.0.1', port: 5000 });
  });

  it('treats c=0.0.0.0 as old-style hold', () => {
    expect(parseRemoteAudio(offer('m=audio 5000 RTP/AVP 0').replace(/10\.0\.0\.1/g, '0.0.0.0')).direction).toBe('sendonly');
  });

  it("answers with the first codec of the user's preference that the offer has, under the offer's payload type, and its telephone-event type", () => {
    const remote = parseRemoteAudio(offer('m=audio 5000 RTP/AVP 18 8 0 96', 'a=rtpmap:96 telephone-event/8000\r\n'));
    expect(answerCodecs(remote)).toEqual([
      { payloadType: 0, name: 'PCMU' },
      { payloadType: 96, name: 'telephone-event' },
    ]);
    expect(answerCodecs(remote, ['PCMA', 'PCMU'])[0]).toEqual({ payloadType: 8, name: 'PCMA' });
    expect(() => answerCodecs(parseRemoteAudio(offer('m=audio 5000 RTP/AVP 18')))).toThrow(/neither PCMU nor PCMA/);
    expect(() => answerCodecs(remote, ['opus'])).toThrow(/none of opus/);
  });

  it('finds Opus by its rtpmap under any dynamic payload type, and offers it with the user preference order', () => {
    const remote = parseRemoteAudio(offer('m=audio 5000 RTP/AVP 109 0', 'a=rtpmap:109 opus/48000/2\r\n'));
    expect(answerCodecs(remote, ['opus', 'PCMU'])[0]).toMatchObject({ payloadType: 109, name: 'opus', clockRate: 48000, channels: 2 });
    const sdp = buildSdp({
      sessionId: 1,
      version: 1,
      address: '127.0.0.1',
      port: 4000,
      codecs: offerCodecs(['opus', 'PCMA']),
      direction: 'sendrecv',
      rtcpMux: true,
    });
    expect(sdp).toContain('m=audio 4000 RTP/AVP 111 8 101\r\n');
    expect(sdp).toContain('a=rtpmap:111 opus/48000/2\r\n');
    expect(sdp).toContain('a=rtcp-mux\r\n');
  });

  it('offers G.722 as static payload type 9 with rtpmap G722/8000 (RFC 3551 §4.5.2), and finds it with or without an rtpmap', () => {
    const sdp = buildSdp({ sessionId: 1, version: 1, address: '127.0.0.1', port: 4000, codecs: offerCodecs(['G722', 'PCMU']), direction: 'sendrecv' });
    expect(sdp).toContain('m=audio 4000 RTP/AVP 9 0 101\r\n');
    expect(sdp).toContain('a=rtpmap:9 G722/8000\r\n');
    expect(sdp).not.toContain('G722/16000');
    for (const remote of [offer('m=audio 5000 RTP/AVP 9 0'), offer('m=audio 5000 RTP/AVP 9 0', 'a=rtpmap:9 G722/8000\r\n')].map(parseRemoteAudio)) {
      expect(answerCodecs(remote, ['G722', 'PCMU'])[0]).toEqual({ payloadType: 9, name: 'G722' });
      expect(receivableCodecs(remote).get(9)).toBe('G722');
    }
    // G722/16000 is not RFC 3551's G.722 (a peer that writes it means another clock): not taken as G722.
    expect(() => answerCodecs(parseRemoteAudio(offer('m=audio 5000 RTP/AVP 96', 'a=rtpmap:96 G722/16000\r\n')), ['G722'])).toThrow(/none of G722/);
  });

  it("checks an INVITE's offer against the line's codecs: a G.722-only offer is refused only by a line without G722", () => {
    const request = {
      body: offer('m=audio 5000 RTP/AVP 9 101', 'a=rtpmap:9 G722/8000\r\na=rtpmap:101 telephone-event/8000\r\n'),
      getHeader: (name: string) => (name.toLowerCase() === 'content-type' ? 'application/sdp' : undefined),
    } as unknown as Parameters<typeof unacceptableOffer>[0];
    expect(unacceptableOffer(request, { codecs: ['PCMU', 'PCMA'] })).toMatchObject({ reason: 'the peer offers neither PCMU nor PCMA' });
    expect(unacceptableOffer(request, { codecs: ['PCMU', 'G722'] })).toBeUndefined();
  });

  it('reads ptime, rtcp-mux and a=rtcp (RFC 3605), and refuses a ptime out of range', () => {
    const remote = parseRemoteAudio(offer('m=audio 5000 RTP/AVP 0', 'a=ptime:40\r\na=rtcp:6001 IN IP4 10.0.0.2\r\na=rtcp-mux\r\n'));
    expect(remote).toMatchObject({ ptimeMs: 40, rtcpMux: true, rtcpPort: 6001, rtcpAddress: '10.0.0.2' });
    expect(parseRemoteAudio(offer('m=audio 5000 RTP/AVP 0'))).toMatchObject({ ptimeMs: undefined, rtcpMux: false, rtcpPort: 5001, rtcpAddress: '10.0.0.1' });
    expect(() => parseRemoteAudio(offer('m=audio 5000 RTP/AVP 0', 'a=ptime:0\r\n'))).toThrow(/ptime 0 is out of range/);
  });

  it.each([
    ['sendrecv', false, 'sendrecv'],
    ['sendonly', false, 'recvonly'],
    ['recvonly', false, 'sendonly'],
    ['inactive', false, 'inactive'],
    ['sendrecv', true, 'sendonly'],
    ['sendonly', true, 'inactive'],
  ] as const)('answers %s (local hold %s) with %s', (offered, hold, answered) => {
    expect(withLocalHold(mirror(offered), hold)).toBe(answered);
  });
});
