import type { Socket } from 'node:dgram';
import { bindReusablePair, type SocketPair } from './socket-pair.js';

/** Idle pairs a pool keeps by default: a call's worth of ports for a line's usual concurrent calls. */
export const DEFAULT_IDLE_PAIRS = 32;

const ignore = (): void => undefined;

/**
 * RTP/RTCP socket pairs of one line, kept bound across calls: a call takes a pair (bound now when none is
 * idle) and gives it back when its media ends, so a call no longer pays for binding two UDP sockets
 * (and for the odd/even retries of `bindSocketPair`) and closing them — about a tenth of the line's
 * signalling CPU per call (`bench/signalling-cpu.bench.ts`). Pairs go out oldest-returned first, so a port
 * rests as long as possible before its next call: datagrams a previous peer still sends to it are read and
 * dropped while it rests (no listener), and once the new call has its peer the RTP socket is connected to it
 * (the kernel then drops other sources). At most `maxIdle` pairs rest; one given back beyond that, or after
 * `close()`, is closed. No method throws.
 */
export class RtpSocketPool {
  private readonly idle: SocketPair[] = [];
  private closed = false;

  /**
   * @param address the local address every pair is bound on (the line's bind address)
   * @param maxIdle pairs kept bound while no call uses them (≥ 0; 0 closes every pair given back)
   */
  constructor(
    readonly address: string,
    private readonly maxIdle = DEFAULT_IDLE_PAIRS,
  ) {}

  /** Pairs resting bound now. */
  get idleCount(): number {
    return this.idle.length;
  }

  /** A resting pair, else a newly bound one (`bindReusablePair`: rejects with the bind error, e.g. EMFILE). */
  async take(): Promise<SocketPair> {
    const pair = this.idle.shift();
    if (!pair) return bindReusablePair(this.address);
    for (const socket of [pair.rtp, pair.rtcp]) socket?.removeListener('error', ignore);
    return pair;
  }

  /**
   * Takes a pair back from a call whose media ended: drops the call's listeners (so nothing of the call
   * stays reachable from the socket), disconnects the RTP socket from the old peer when `rtp` says it is
   * connected (only then: Node throws, with a stack trace, when a socket is not), and keeps the pair for
   * the next call — or closes it when the pool is full or closed, when its RTP port was ephemeral (lost on
   * disconnect, see `bindReusablePair`), or when `rtp` is `connecting` (a `connect()` still under way would
   * connect a resting socket to the old peer).
   */
  give(pair: SocketPair, rtp: 'unconnected' | 'connected' | 'connecting' = 'unconnected'): void {
    const sockets = [pair.rtp, pair.rtcp].filter((socket): socket is Socket => socket !== undefined);
    for (const socket of sockets) {
      socket.removeAllListeners('message');
      socket.removeAllListeners('error');
      socket.on('error', ignore); // an 'error' with no listener would throw out of the socket
    }
    const keep = rtp !== 'connecting' && pair.portKept === true && !this.closed && this.idle.length < this.maxIdle;
    if (keep && rtp === 'connected') {
      try {
        pair.rtp.disconnect();
      } catch {
        return closeAll(sockets); // not connected after all: its state is unknown, so it is not reused
      }
    }
    if (keep) this.idle.push(pair);
    else closeAll(sockets);
  }

  /** Closes every resting pair; pairs given back later are closed at once. */
  close(): void {
    this.closed = true;
    for (const pair of this.idle.splice(0)) closeAll([pair.rtp, pair.rtcp]);
  }
}

function closeAll(sockets: (Socket | undefined)[]): void {
  for (const socket of sockets) {
    try {
      socket?.close();
    } catch {
      // already closed
    }
  }
}
