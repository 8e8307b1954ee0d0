/**
 * Admission of new (out-of-dialog) INVITEs, so that overload is shed explicitly instead of delaying
 * everything else (issue 17).
 *
 * Why: the UDP socket hands datagrams over in arrival order, and starting a call (sip.js parse,
 * transaction, dialog, RTP port, SDP, 200 OK) costs far more than ending one. Handing each new INVITE
 * to the SIP stack as it was read meant that above the sustainable rate the receive path fell behind:
 * a BYE or ACK waited behind seconds of INVITE work (or was dropped by the kernel when the socket
 * buffer filled), calls ended seconds late with the wrong duration, our 200 OKs were retransmitted
 * for want of the ACK we had not read yet (more work), and calls whose BYEs were all lost stayed up
 * until the 64*T1 ACK timeout.
 *
 * How: a new INVITE is not started where it was read; it waits in a bounded FIFO, and at most
 * `perTurn` are started per turn of the event loop (a `setImmediate`), after the socket has been read
 * and every in-dialog message in it handled. The start rate therefore follows how long a turn takes:
 * when timers, RTP and in-dialog work make turns long, fewer calls are started, the queue fills, and
 * what does not fit is refused at once with 503 and Retry-After (RFC 3261 §21.5.4, §20.33) by the
 * caller of {@link InviteAdmission.offer}. The signal is the queue length, which needs no tuning to
 * the machine: it only grows when INVITEs arrive faster than turns of the loop start them.
 */
export interface InviteAdmissionOptions<T> {
  /** INVITEs that may wait to be started; an INVITE beyond this is refused (`offer` returns `full`). */
  maxPending: number;
  /** INVITEs started per turn of the event loop. */
  perTurn: number;
  /** Starts one admitted INVITE (hands it to the SIP stack). Must not throw; a throw is reported to `onError`. */
  start: (item: T) => void;
  onError: (error: unknown) => void;
  /** Runs a callback after the current turn's I/O; `setImmediate` by default. */
  defer?: (callback: () => void) => void;
}

export type OfferResult = 'queued' | 'duplicate' | 'full';

export class InviteAdmission<T> {
  private readonly pending = new Map<string, T>();
  private scheduled = false;
  private readonly defer: (callback: () => void) => void;
  /** The longest the queue has been, for diagnostics. */
  peakPending = 0;

  constructor(private readonly options: InviteAdmissionOptions<T>) {
    this.defer = options.defer ?? ((callback) => void setImmediate(callback));
  }

  /** INVITEs waiting to be started. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Queues a new INVITE under its transaction key. A retransmission of one still waiting is absorbed
   * (`duplicate`: RFC 3261 §17.2.1 lets the server transaction absorb it); a full queue refuses it (`full`).
   */
  offer(key: string, item: T): OfferResult {
    if (this.pending.has(key)) return 'duplicate';
    if (this.pending.size >= this.options.maxPending) return 'full';
    this.pending.set(key, item);
    this.peakPending = Math.max(this.peakPending, this.pending.size);
    this.schedule();
    return 'queued';
  }

  /** Whether an INVITE with this transaction key is waiting. */
  has(key: string): boolean {
    return this.pending.has(key);
  }

  /**
   * Takes a waiting INVITE out of the queue so the caller can start it now: a CANCEL for it must find
   * its transaction in the SIP stack (RFC 3261 §9.2), and it is cheaper to start than to answer twice.
   */
  take(key: string): T | undefined {
    const item = this.pending.get(key);
    this.pending.delete(key);
    return item;
  }

  /** Empties the queue (the transport is closing) and returns what was waiting. */
  clear(): T[] {
    const items = [...this.pending.values()];
    this.pending.clear();
    return items;
  }

  private schedule(): void {
    if (this.scheduled || this.pending.size === 0) return;
    this.scheduled = true;
    this.defer(() => this.turn());
  }

  private turn(): void {
    this.scheduled = false;
    for (let started = 0; started < this.options.perTurn; started++) {
      const next = this.pending.entries().next();
      if (next.done) break;
      const [key, item] = next.value;
      this.pending.delete(key);
      try {
        this.options.start(item);
      } catch (error) {
        this.options.onError(error);
      }
    }
    this.schedule();
  }
}
