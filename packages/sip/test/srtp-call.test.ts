import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { cryptoRandom } from '@callhook/node';
import { waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { rtpPacket } from '../src/rtp/rtp-packet.js';
import { formatCryptoAttribute, newCryptoAttribute, parseCryptoAttribute } from '../src/srtp/crypto-attribute.js';
import { SrtpTransform } from '../src/srtp/srtp-transform.js';
import { createSipLine, SipLineSchema } from '../src/index.js';
import { EventRecorder } from './support/event-recorder.js';
import { freePort } from './support/free-port.js';
import { offerSdp, startLineWithUac } from './support/raw-uac.js';
import { scenario } from './support/scenario.js';
import { startSipp } from './support/sipp.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A UDP socket standing in for the peer's SRTP port: keeps every datagram as received. */
async function srtpPeer(): Promise<{ socket: Socket; port: number; received: Buffer[] }> {
  const socket = createSocket('udp4');
  const received: Buffer[] = [];
  socket.on('message', (data) => received.length < 5_000 && received.push(data));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  cleanups.push(() => socket.close());
  return { socket, port: socket.address().port, received };
}

/** Whether some process has UDP `port` bound (read from /proc, so the probe never takes the port itself). */
function udpBound(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  return readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .some((row) => row.trim().split(/\s+/)[1]?.endsWith(hex.trim()));
}

/** The `m=audio` port and `a=crypto` lines of an SDP answer inside a SIP response. */
function answerOf(text: string): { port: number; profile: string; crypto: string[] } {
  const media = /^m=audio (\d+) (\S+)/m.exec(text);
  return { port: Number(media?.[1]), profile: media?.[2] ?? '', crypto: [...text.matchAll(/^a=(crypto:.*?)\r?$/gm)].map((match) => match[1]!) };
}

describe('SDES-SRTP on a call (RFC 4568, RFC 3711) with hand-driven peers', () => {
  it('answers RTP/SAVP with our key, sends SRTP that decrypts under it, and drops and counts a tampered packet', async () => {
    const { line, events, uac } = await startLineWithUac({ autoAnswer: true, media: { encryption: 'required' } }, {}, cleanups);
    const peer = await srtpPeer();
    const peerKey = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', cryptoRandom);
    const callId = uac.invite(offerSdp('127.0.0.1', peer.port, '0', [`a=${formatCryptoAttribute(peerKey)}`]).replace('RTP/AVP', 'RTP/SAVP'));
    const final = await uac.waitFinal(callId, 30_000);
    expect(final.status).toBe(200);
    const answer = answerOf(final.text);
    expect(answer.profile).toBe('RTP/SAVP');
    expect(answer.crypto).toHaveLength(1);
    const lineKey = parseCryptoAttribute(answer.crypto[0]!);
    expect(lineKey).toMatchObject({ tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80' });
    expect(lineKey.masterKey.equals(peerKey.masterKey)).toBe(false);
    uac.ack(callId);
    const answered = await events.waitFor('answered');
    const ours = new SrtpTransform(peerKey, lineKey);

    // What the line sends authenticates and decrypts under the key of its answer.
    await waitFor(() => peer.received.length >= 10, 'SRTP from the line', 30_000);
    const plain = peer.received.slice(0, 10).map((packet) => ours.unprotectRtp(packet));
    expect(plain.every((packet) => packet !== undefined && packet.length === 12 + 160)).toBe(true);
    expect(ours.counters.droppedRtp).toBe(0);

    // Ten good packets, one with a flipped payload byte, one plain RTP packet, one replay: only the ten count.
    const packets = Array.from({ length: 12 }, (_, i) =>
      ours.protectRtp(rtpPacket({ marker: false, payloadType: 0, sequence: 500 + i, timestamp: 160 * i, ssrc: 0x5eed }, Buffer.alloc(160, 0xff))),
    );
    const tampered = Buffer.from(packets[10]!);
    tampered[20]! ^= 0x01;
    const send = (data: Buffer) => peer.socket.send(data, answer.port, '127.0.0.1');
    for (const packet of packets.slice(0, 10)) send(packet);
    send(tampered);
    send(rtpPacket({ marker: false, payloadType: 0, sequence: 511, timestamp: 160 * 11, ssrc: 0x5eed }, Buffer.alloc(160, 0xff)));
    send(packets[3]!);
    await waitFor(() => (line.callMedia(answered.lineCallId)?.srtpDropped ?? 0) >= 3, 'the three bad packets dropped', 30_000);
    await waitFor(() => (line.callMedia(answered.lineCallId)?.receivedPackets ?? 0) >= 10, 'the ten good packets', 30_000);
    expect(line.callMedia(answered.lineCallId)).toMatchObject({ encryption: 'AES_CM_128_HMAC_SHA1_80', srtpDropped: 3, receivedPackets: 10 });
    // The stream goes on after the drops.
    send(packets[11]!);
    await waitFor(() => line.callMedia(answered.lineCallId)?.receivedPackets === 11, 'the packet after the drops', 30_000);
    uac.bye(callId);
    const ended = await events.waitFor('ended');
    // The call's quality figures (and so the call snapshot) carry the suite and the drops.
    expect(ended.media?.quality).toMatchObject({ encryption: 'AES_CM_128_HMAC_SHA1_80', srtpDropped: 3 });
  });

  it('"required" refuses an offer without a usable key with 488 and a Warning, and the call list shows why', async () => {
    const { events, uac } = await startLineWithUac({ autoAnswer: true, media: { encryption: 'required' } }, {}, cleanups);
    const gcm = 'a=crypto:1 AEAD_AES_128_GCM inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';
    for (const [sdp, why] of [
      [
        offerSdp('127.0.0.1', 4000),
        /302 callhook "line.media.encryption is \\"required\\" and the RTP\/AVP offer has no usable SRTP key: it has no a=crypto line"/,
      ],
      [offerSdp('127.0.0.1', 4000, '0', [gcm]).replace('RTP/AVP', 'RTP/SAVP'), /302 callhook ".*AEAD_AES_128_GCM is not supported/],
    ] as const) {
      const callId = uac.invite(sdp);
      const final = await uac.waitFinal(callId, 30_000);
      expect(final.status).toBe(488);
      expect(final.text).toMatch(new RegExp(`^Warning: .*${why.source}`, 'm'));
    }
    const ended = await events.waitFor('ended');
    expect(ended).toMatchObject({ by: 'local', cause: 'failed' });
    expect(ended.detail).toMatch(/^488 Not Acceptable Here: line.media.encryption is "required"/);
  });

  it('"sdes" answers a plain offer plain, and "none" refuses RTP/SAVP naming the setting', async () => {
    const sdes = await startLineWithUac({ autoAnswer: true, media: { encryption: 'sdes' } }, {}, cleanups);
    const plainCall = sdes.uac.invite(offerSdp('127.0.0.1', 4000));
    const plainAnswer = await sdes.uac.waitFinal(plainCall, 30_000);
    expect(plainAnswer.status).toBe(200);
    expect(answerOf(plainAnswer.text)).toMatchObject({ profile: 'RTP/AVP', crypto: [] });
    sdes.uac.ack(plainCall);
    sdes.uac.bye(plainCall);

    const none = await startLineWithUac({ autoAnswer: true }, {}, cleanups);
    const key = formatCryptoAttribute(newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_32', cryptoRandom));
    const savp = none.uac.invite(offerSdp('127.0.0.1', 4000, '0', [`a=${key}`]).replace('RTP/AVP', 'RTP/SAVP'));
    const refused = await none.uac.waitFinal(savp, 30_000);
    expect(refused.status).toBe(488);
    expect(refused.text).toMatch(/^Warning: 302 callhook "the offer is RTP\/SAVP \(SRTP\) and line.media.encryption is \\"none\\"/m);
    // Keys on RTP/AVP (best-effort SRTP) mean nothing to a "none" line: a plain answer.
    const bestEffort = none.uac.invite(offerSdp('127.0.0.1', 4000, '0', [`a=${key}`]));
    const plain = await none.uac.waitFinal(bestEffort, 30_000);
    expect(plain.status).toBe(200);
    expect(answerOf(plain.text)).toMatchObject({ profile: 'RTP/AVP', crypto: [] });
    none.uac.ack(bestEffort);
    none.uac.bye(bestEffort);
  });

  it('"required" ends our call when the answer has no key: ACK and BYE, and `ended` failed says why', async () => {
    const port = await freePort();
    const sipp = startSipp(
      [
        '-sf',
        scenario('uas-answer.xml', { MEDIA_PORT: 4000, CODECS: '0' }, ['step-wait-bye.xml']),
        '-p',
        String(port),
        '-i',
        '127.0.0.1',
        '-m',
        '1',
        '-timeout',
        '60s',
        '-timeout_error',
      ],
      90_000,
    );
    cleanups.push(async () => {
      sipp.kill();
      await sipp.done;
    });
    const line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', media: { encryption: 'required' } }));
    const events = new EventRecorder(line);
    await line.start();
    cleanups.push(() => line.stop());
    await waitFor(() => udpBound(port), 'sipp listening', 60_000);
    await line.execute({ type: 'make_call', callId: 'keyless', target: `sip:sipp@127.0.0.1:${port}` });
    const ended = await events.waitFor('ended', undefined, 60_000);
    expect(ended).toMatchObject({ lineCallId: 'keyless', by: 'local', cause: 'failed' });
    expect(ended.detail).toMatch(/^the answer was refused \(ACK and BYE\): line.media.encryption is "required" and the RTP\/AVP answer has no usable SRTP key/);
    expect(events.types('keyless')).not.toContain('answered');
    const result = await sipp.done;
    expect(result.code, result.stdout.slice(-2000)).toBe(0);
  });
});
