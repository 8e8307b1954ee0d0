import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '@callhook/core';

/** The RFC 5626 §4.4.1 ping (a double CRLF); the pong is a single CRLF. Also sent as a UDP datagram. */
export const CRLF_PING = '\r\n\r\n';
/** RFC 5626 §4.4.1: no pong within 10 s means the flow has failed. */
export const PONG_TIMEOUT_MS = 10_000;

/** Keep-alives sent and answered (pongs) on a line's connections; UDP pings are never answered. */
export interface KeepAliveStats {
  sent: number;
  answered: number;
}

/**
 * CRLF keep-alive of one stream connection (TCP or TLS, RFC 5626 §4.4.1): `ping()` writes a double CRLF unless
 * one is unanswered; `pong()` (the framer saw CRLFs) answers it; no pong within 10 s calls `onDead`, which
 * closes the connection so the line reconnects and registers again. Never throws.
 */
export class ConnectionPinger {
  private timer: TimerHandle | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly clock: Clock,
    private readonly stats: KeepAliveStats,
    private readonly onDead: () => void,
  ) {}

  ping(): void {
    if (this.timer !== null || this.socket.destroyed) return;
    this.socket.write(CRLF_PING, () => undefined);
    this.stats.sent++;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.onDead();
    }, PONG_TIMEOUT_MS);
  }

  pong(): void {
    if (this.timer === null) return;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.stats.answered++;
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
