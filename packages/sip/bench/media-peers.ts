/**
 * The far ends of the media benchmarks, in a child process so their CPU is not counted: N raw SIP
 * UACs that call the line, ACK, and send a 1 kHz tone every 20 ms from their own RTP sockets, as PCMU,
 * (`codec: 'G722'`) G.722 (payload type 9, 160 octets per 20 ms, RFC 3551 §4.5.2) or (`codec: 'opus'`)
 * Opus (payload type 111, opus/48000/2, 960 ticks per 20 ms, RFC 7587; encoded at 16 kHz); with `srtp`, they
 * offer RTP/SAVP with an SDES key and send SRTP (AES_CM_128_HMAC_SHA1_80, RFC 4568). The target is
 * the line or a baresip (media-load's comparison); `stats` answers how many RTP packets of the call's payload
 * type each far end has received, so a bench can check media flows both ways before it measures.
 */
import { createSocket, type Socket } from 'node:dgram';
import { cryptoRandom } from '@callhook/node';
import { createCodec } from '../src/media/codecs.js';
import { G722Encoder } from '../src/media/g722.js';
import { formatCryptoAttribute, newCryptoAttribute, parseCryptoAttribute } from '../src/srtp/crypto-attribute.js';
import { SrtpTransform } from '../src/srtp/srtp-transform.js';
import { offerSdp, RawUac } from '../test/support/raw-uac.js';

interface Peer {
  uac: RawUac;
  callId: string;
  rtp: Socket;
  target: number;
  sequence: number;
  timestamp: number;
  srtp: SrtpTransform | undefined;
  /** RTP payload type, its timestamp step per 20 ms and the frames it cycles through. */
  payloadType: number;
  ticksPerFrame: number;
  frames: Buffer[];
  /** RTP packets received with `payloadType`. */
  counter: { received: number };
}

const peers: Peer[] = [];
let timer: NodeJS.Timeout | undefined;
const payload = Buffer.alloc(160);
for (let i = 0; i < 160; i++) payload[i] = [0x9e, 0x8d, 0x8d, 0x9e, 0x1e, 0x0d, 0x0d, 0x1e][i % 8]!; // µ-law 1 kHz
/** One second of a 1 kHz tone as G.722, 50 frames of 160 octets (the encoder's state runs on between frames). */
const g722Frames = (() => {
  const encoder = new G722Encoder();
  const tone = Int16Array.from({ length: 16_000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 16_000)));
  return Array.from({ length: 50 }, (_, frame) => Buffer.from(encoder.encode(tone.subarray(frame * 320, frame * 320 + 320))));
})();

/** One second of a 1 kHz tone as Opus encoded at 16 kHz (wideband), 50 frames. */
const opusFrames = (() => {
  const encoder = createCodec('opus', 16_000);
  const tone = Int16Array.from({ length: 16_000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 16_000)));
  const frames = Array.from({ length: 50 }, (_, frame) => Buffer.from(encoder.encode(tone.subarray(frame * 320, frame * 320 + 320))));
  encoder.close();
  return frames;
})();

/** What each far-end codec sends: payload type, rtpmap, RTP ticks per 20 ms, frames. */
const WIRE = {
  PCMU: { payloadType: 0, rtpmap: [], ticksPerFrame: 160, frames: [payload] },
  G722: { payloadType: 9, rtpmap: ['a=rtpmap:9 G722/8000'], ticksPerFrame: 160, frames: g722Frames },
  opus: { payloadType: 111, rtpmap: ['a=rtpmap:111 opus/48000/2'], ticksPerFrame: 960, frames: opusFrames },
} as const;
type PeerCodec = keyof typeof WIRE;

function sendAll(): void {
  for (const peer of peers) {
    const frame = peer.frames[peer.sequence % peer.frames.length]!;
    const packet = Buffer.alloc(12 + frame.length);
    packet[0] = 0x80;
    packet[1] = peer.payloadType;
    packet.writeUInt16BE(peer.sequence++ & 0xffff, 2);
    packet.writeUInt32BE(peer.timestamp >>> 0, 4);
    packet.writeUInt32BE(0xbeef, 8);
    frame.copy(packet, 12);
    peer.timestamp += peer.ticksPerFrame;
    peer.rtp.send(peer.srtp ? peer.srtp.protectRtp(packet) : packet, peer.target, '127.0.0.1');
  }
}

async function call(port: number, srtp: boolean, codec: PeerCodec): Promise<void> {
  const rtp = createSocket('udp4');
  await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', () => resolve()));
  const { payloadType, rtpmap, ticksPerFrame, frames } = WIRE[codec];
  const counter = { received: 0 };
  // SRTP leaves the RTP header in clear, so the payload type is readable either way.
  rtp.on('message', (packet: Buffer) => {
    if (packet.length >= 12 && (packet[1]! & 0x7f) === payloadType) counter.received++;
  });
  const uac = await RawUac.open(port);
  uac.answerRequests();
  const key = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', cryptoRandom);
  const sdp = offerSdp('127.0.0.1', rtp.address().port, String(payloadType), [...rtpmap, ...(srtp ? [`a=${formatCryptoAttribute(key)}`] : [])]);
  const callId = uac.invite(srtp ? sdp.replace('RTP/AVP', 'RTP/SAVP') : sdp);
  const final = await uac.waitFinal(callId, 30_000);
  if (final.status !== 200) throw new Error(`call refused: ${final.status}`);
  uac.ack(callId);
  const answered = /^a=(crypto:.*?)\r?$/m.exec(final.text)?.[1];
  if (srtp && !answered) throw new Error('the SRTP call was answered without a key');
  peers.push({
    uac,
    callId,
    rtp,
    target: Number(/^m=audio (\d+)/m.exec(final.text)?.[1]),
    sequence: 1,
    timestamp: 0,
    srtp: srtp ? new SrtpTransform(key, parseCryptoAttribute(answered!)) : undefined,
    payloadType,
    ticksPerFrame,
    frames: [...frames],
    counter,
  });
}

type Message = { type: 'start'; port: number; calls: number; srtp?: boolean; codec?: PeerCodec } | { type: 'stats' } | { type: 'hangup' };

process.on('message', (message: Message) => {
  void (async () => {
    if (message.type === 'start') {
      for (let i = 0; i < message.calls; i += 10)
        await Promise.all(Array.from({ length: Math.min(10, message.calls - i) }, () => call(message.port, message.srtp ?? false, message.codec ?? 'PCMU')));
      timer ??= setInterval(sendAll, 20);
      process.send!({ type: 'ready' });
    } else if (message.type === 'stats') {
      process.send!({ type: 'stats', received: peers.map((peer) => peer.counter.received) });
    } else {
      for (const peer of peers.splice(0)) {
        peer.uac.bye(peer.callId);
        peer.rtp.close();
        setTimeout(() => peer.uac.close(), 500);
      }
      process.send!({ type: 'done' });
    }
  })().catch((error: Error) => process.send!({ type: 'error', message: error.message }));
});
