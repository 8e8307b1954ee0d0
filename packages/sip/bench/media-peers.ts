/**
 * The far ends of the media benchmark, in a child process so their CPU is not counted: N raw SIP
 * UACs that call the line, ACK, and send a PCMU tone every 20 ms from their own RTP sockets.
 */
import { createSocket, type Socket } from 'node:dgram';
import { offerSdp, RawUac } from '../test/support/raw-uac.js';

interface Peer {
  uac: RawUac;
  callId: string;
  rtp: Socket;
  target: number;
  sequence: number;
  timestamp: number;
}

const peers: Peer[] = [];
let timer: NodeJS.Timeout | undefined;
const payload = Buffer.alloc(160);
for (let i = 0; i < 160; i++) payload[i] = [0x9e, 0x8d, 0x8d, 0x9e, 0x1e, 0x0d, 0x0d, 0x1e][i % 8]!; // µ-law 1 kHz

function sendAll(): void {
  for (const peer of peers) {
    const packet = Buffer.alloc(172);
    packet[0] = 0x80;
    packet.writeUInt16BE(peer.sequence++ & 0xffff, 2);
    packet.writeUInt32BE(peer.timestamp >>> 0, 4);
    packet.writeUInt32BE(0xbeef, 8);
    payload.copy(packet, 12);
    peer.timestamp += 160;
    peer.rtp.send(packet, peer.target, '127.0.0.1');
  }
}

async function call(port: number): Promise<void> {
  const rtp = createSocket('udp4');
  await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', () => resolve()));
  rtp.on('message', () => undefined);
  const uac = await RawUac.open(port);
  uac.answerRequests();
  const callId = uac.invite(offerSdp('127.0.0.1', rtp.address().port));
  const final = await uac.waitFinal(callId, 30_000);
  if (final.status !== 200) throw new Error(`call refused: ${final.status}`);
  uac.ack(callId);
  peers.push({ uac, callId, rtp, target: Number(/^m=audio (\d+)/m.exec(final.text)?.[1]), sequence: 1, timestamp: 0 });
}

process.on('message', (message: { type: 'start'; port: number; calls: number } | { type: 'hangup' }) => {
  void (async () => {
    if (message.type === 'start') {
      for (let i = 0; i < message.calls; i += 10) await Promise.all(Array.from({ length: Math.min(10, message.calls - i) }, () => call(message.port)));
      timer ??= setInterval(sendAll, 20);
      process.send!({ type: 'ready' });
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
