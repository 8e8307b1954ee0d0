import { createSocket, type Socket } from 'node:dgram';

/** A small seeded PRNG (mulberry32), so each run injects the same loss and jitter pattern. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** µ-law of one 16-bit sample (ITU-T G.711), for the test's own sender. */
function mulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(32635, Math.abs(sample)) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = 0;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export interface LossyRtpPeer {
  /** The port the SDP offer names (the peer's RTP address). */
  port: number;
  sent: number;
  dropped: number;
  /** Starts sending a PCMU tone to `target` through the impairment. */
  start(targetPort: number): void;
  close(): void;
}

/**
 * An RTP peer behind a lossy, jittery link, on a real loopback socket: every 20 ms it makes a PCMU
 * packet of a `hz` tone, drops it with probability `loss`, and otherwise sends it after a random delay
 * of 0–2×`jitterMs` (so ±`jitterMs` around the mean), which reorders packets as a real network does.
 * What callhook sends back is read and discarded.
 */
export async function startLossyRtpPeer(options: { hz: number; loss: number; jitterMs: number; seed?: number }): Promise<LossyRtpPeer> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.on('message', () => undefined);
  const random = seeded(options.seed ?? 12345);
  const timers = new Set<NodeJS.Timeout>();
  let interval: NodeJS.Timeout | undefined;
  const peer: LossyRtpPeer = {
    port: socket.address().port,
    sent: 0,
    dropped: 0,
    start(targetPort) {
      let sequence = 1000;
      let timestamp = 50_000;
      let phase = 0;
      const began = performance.now();
      let packets = 0;
      const sendDue = () => {
        // Packets by the wall clock, so a late timer does not slow the stream down.
        while (packets < Math.floor((performance.now() - began) / 20)) {
          const packet = Buffer.alloc(12 + 160);
          packet[0] = 0x80;
          packet[1] = 0;
          packet.writeUInt16BE(sequence++ & 0xffff, 2);
          packet.writeUInt32BE(timestamp >>> 0, 4);
          packet.writeUInt32BE(0x1234abcd, 8);
          for (let i = 0; i < 160; i++, phase++) packet[12 + i] = mulaw(Math.round(12000 * Math.sin((2 * Math.PI * options.hz * phase) / 8000)));
          timestamp += 160;
          packets++;
          if (random() < options.loss) {
            peer.dropped++;
            continue;
          }
          const timer = setTimeout(
            () => {
              timers.delete(timer);
              peer.sent++;
              socket.send(packet, targetPort, '127.0.0.1');
            },
            random() * 2 * options.jitterMs,
          );
          timers.add(timer);
        }
      };
      interval = setInterval(sendDue, 5);
    },
    close() {
      if (interval) clearInterval(interval);
      for (const timer of timers) clearTimeout(timer);
      socket.close();
    },
  };
  return peer;
}
