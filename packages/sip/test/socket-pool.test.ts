import { createSocket, type Socket } from 'node:dgram';
import { silentLogger } from '@callhook/core';
import { cryptoRandom } from '@callhook/node';
import { SimulatedClock, waitFor } from '@callhook/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { rtpPacket } from '../src/rtp/rtp-packet.js';
import { RtpStream, type RtpPlan } from '../src/rtp/rtp-stream.js';
import { bindReusablePair, bindSocketPair } from '../src/rtp/socket-pair.js';
import { RtpSocketPool } from '../src/rtp/socket-pool.js';

const ADDRESS = '127.0.0.1';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function pool(maxIdle?: number): RtpSocketPool {
  const made = new RtpSocketPool(ADDRESS, maxIdle);
  cleanups.push(() => made.close());
  return made;
}

async function peer(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, ADDRESS, resolve));
  cleanups.push(() => socket.close());
  return socket;
}

function plan(port: number): RtpPlan {
  return {
    address: ADDRESS,
    port,
    codec: { payloadType: 0, name: 'PCMU' },
    receive: new Map([[0, 'PCMU']]),
    eventPayloadType: undefined,
    ptimeMs: 20,
    sending: true,
    rtcp: undefined,
  };
}

const packet = (sequence: number) => rtpPacket({ marker: false, payloadType: 0, sequence, timestamp: sequence * 160, ssrc: 7 }, Buffer.alloc(160, 0xff));

describe('RTP socket pairs reused across calls (RtpSocketPool)', () => {
  it('gives the next call the port of an ended one, with none of the old call listening on it', async () => {
    const sockets = pool();
    const clock = new SimulatedClock();
    const first = await RtpStream.open(ADDRESS, clock, silentLogger, cryptoRandom, undefined, sockets);
    const remote = await peer();
    first.configure(plan(remote.address().port));
    first.confirm(); // connects its RTP socket to the peer
    await waitFor(() => !(first as unknown as { connecting: boolean }).connecting, 'the RTP socket connected');
    first.close();
    expect(sockets.idleCount).toBe(1);

    const second = await RtpStream.open(ADDRESS, clock, silentLogger, cryptoRandom, undefined, sockets);
    cleanups.push(() => second.close());
    expect(second.port).toBe(first.port);
    expect(sockets.idleCount).toBe(0);
    // Disconnected from the old peer: a packet from another source reaches the new call, and only it.
    const other = await peer();
    other.send(packet(1), second.port, ADDRESS);
    await waitFor(() => second.receivedPackets === 1, 'the packet on the reused port');
    expect(first.receivedPackets).toBe(0);
  });

  it('closes pairs beyond maxIdle, after close(), and a pair given back while still connecting', async () => {
    const sockets = pool(1);
    const [a, b, c] = await Promise.all([sockets.take(), sockets.take(), sockets.take()]);
    const closed: number[] = [];
    for (const [index, pair] of [a!, b!, c!].entries()) pair.rtp.once('close', () => closed.push(index));
    sockets.give(a!);
    sockets.give(b!);
    sockets.give(c!, 'connecting');
    await waitFor(() => closed.length === 2, 'the pairs beyond maxIdle closed');
    expect(closed.sort()).toEqual([1, 2]);
    expect(sockets.idleCount).toBe(1);
    sockets.close();
    await waitFor(() => closed.length === 3, 'the resting pair closed');
    expect(sockets.idleCount).toBe(0);
    const late = await sockets.take(); // bound anew; given back after close(), it is closed
    late.rtp.once('close', () => closed.push(3));
    sockets.give(late);
    await waitFor(() => closed.length === 4, 'the pair given back after close() closed');
  });

  it('binds RTP on an even port by number with RTCP above it, so a disconnect keeps the port; a pair without that is closed', async () => {
    const pair = await bindReusablePair(ADDRESS);
    cleanups.push(() => [pair.rtp, pair.rtcp].forEach((socket) => socket?.close()));
    const port = pair.rtp.address().port;
    expect([port % 2, pair.rtcp?.address().port, pair.portKept]).toEqual([0, port + 1, true]);
    const remote = await peer();
    await new Promise<void>((resolve) => pair.rtp.connect(remote.address().port, ADDRESS, resolve));
    pair.rtp.disconnect();
    expect(pair.rtp.address().port).toBe(port);

    const sockets = pool();
    const ephemeral = await bindSocketPair(ADDRESS); // RTP on port 0: Linux forgets it on disconnect
    let closed = false;
    ephemeral.rtp.once('close', () => (closed = true));
    sockets.give(ephemeral);
    await waitFor(() => closed, 'the ephemeral pair closed');
    expect(sockets.idleCount).toBe(0);
  });

  it('an error on a resting socket does not throw', async () => {
    const sockets = pool();
    const pair = await sockets.take();
    sockets.give(pair);
    expect(() => pair.rtp.emit('error', new Error('late ICMP'))).not.toThrow();
    const again = await sockets.take();
    expect(again.rtp.listenerCount('error')).toBe(0);
    sockets.give(again);
  });
});
