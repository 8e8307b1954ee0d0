import { createSocket } from 'node:dgram';

export interface RtpSeen {
  at: number;
  /** RTP sequence number and timestamp (RFC 3550 §5.1). */
  sequence: number;
  timestamp: number;
  payloadType: number;
  marker: boolean;
  size: number;
  payload: Buffer;
}

/** A UDP socket standing in for the peer's media port; records the RTP it receives. */
export async function mediaSink(): Promise<{ port: number; packets: RtpSeen[]; send(data: Buffer, port: number): void; close(): void }> {
  const socket = createSocket('udp4');
  const packets: RtpSeen[] = [];
  socket.on('message', (data) => {
    if (packets.length < 5_000)
      packets.push({
        at: Date.now(),
        sequence: data.readUInt16BE(2),
        timestamp: data.readUInt32BE(4),
        payloadType: data[1]! & 0x7f,
        marker: (data[1]! & 0x80) !== 0,
        size: data.length,
        payload: data.subarray(12),
      });
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { port: socket.address().port, packets, send: (data, port) => socket.send(data, port, '127.0.0.1'), close: () => socket.close() };
}
