import type { Socket } from 'node:net';
import type { Clock, Logger, Random } from '@callhook/core';
import { Core, EmitterImpl, TransportState, type Emitter, type Transport } from 'sip.js';
import { badRequestResponse, MalformedRequestError, parserComplaint, type RequestEcho } from '../message/bad-request.js';
import { peekSipMessage, type PeekedMessage } from '../message/peek.js';
import { glanceOutgoing, type OutgoingGlance } from '../message/outgoing-glance.js';
import { glanceRequest, type RequestGlance } from '../message/request-glance.js';
import { stampReceived, stampViaValue } from '../message/via-received.js';
import { cryptoRandom } from '@callhook/node';
import { randomHex } from '../random-draws.js';
import { serviceUnavailableResponse } from '../message/stateless-response.js';
import { BoundedMap } from './bounded-map.js';
import type { InboundMessage, Peer, SipEndpoint } from './endpoint.js';
import { InviteAdmission } from './invite-admission.js';
import { ReplyPaths } from './reply-paths.js';
import { DEFAULT_OVERLOAD, type OverloadLimits } from './overload-limits.js';
import { DEFAULT_TIMERS, Retransmitter, type RetransmitTimers } from './retransmitter.js';
import { defaultPort, resolvePeer, uriHostPort, viaReturnPeer, type HostPort } from './routing.js';

export interface NodeSipTransportOptions {
  /** The line's socket: new requests arrive and are sent here, and the REGISTER Contact names it. */
  endpoint: SipEndpoint;
  /**
   * The in-dialog socket (UDP lines, `line.dialogPort`; see docs/sip-in-node.md §9): the Contact of our
   * INVITEs and of our answers to INVITEs names it, so a peer sends the dialog's requests (ACK, BYE,
   * re-INVITE, INFO…) here (RFC 3261 §12.1.1, §12.1.2: the remote target is the Contact). Requests we send
   * inside a dialog (To tag) leave from it too. Whatever arrives on it takes the same path as on `endpoint`,
   * and every response leaves from the socket its request arrived on (RFC 3581 §4).
   */
  dialogEndpoint?: SipEndpoint;
  clock: Clock;
  logger: Logger;
  /** For the To tags of our stateless 400s; the system CSPRNG by default. */
  random?: Random;
  /** Out-of-dialog requests go here (the registrar, for a registered line). */
  outboundProxy?: HostPort;
  timers?: RetransmitTimers;
  /** Overload protection for new INVITEs (see InviteAdmission); the settings defaults when left out. */
  overload?: OverloadLimits;
  /** The full peek of each message (peekSipMessage by default); tests count its calls through this. */
  peek?: (text: string) => PeekedMessage;
}
/**
 * New INVITEs started per turn of the event loop (see InviteAdmission). A time budget per turn (start
 * while N ms of the loop iteration are left) was measured against this and dropped: no more calls
 * started (the line is CPU-bound under a flood, and a start's work mostly lands after it returns), and a
 * longer BYE tail (docs/sip-in-node.md §9).
 */
const INVITES_PER_TURN = 1;
/** At most one overload log line per this long; it carries the counts since the last one. */
const OVERLOAD_LOG_INTERVAL_MS = 10_000;
/** How many refused INVITEs' 503s are kept, to repeat to a retransmission of the INVITE. */
const SHED_MEMORY = 2_000;

/** Counters of the overload protection, for diagnostics and tests. */
export interface OverloadStats {
  /** New INVITEs handed to the SIP stack. */
  admitted: number;
  /** New INVITEs refused with 503 (retransmissions of one refused INVITE count once). */
  shed: number;
  /** 503s repeated from memory to retransmissions of a refused INVITE (RFC 3261 §17.2.1). */
  refusalsRepeated: number;
  /** New INVITEs waiting now, and the most that ever waited. */
  pending: number;
  peakPending: number;
}

/**
 * Requests handed to the SIP stack, by the socket they arrived on and method (`main`: the line's socket;
 * `dialog`: the in-dialog socket, `line.dialogPort`), for diagnostics and tests. A retransmission counts again.
 */
export interface SocketStats {
  main: Record<string, number>;
  dialog: Record<string, number>;
}

/** A 503 sent to a refused INVITE, kept to repeat it byte for byte to the INVITE's retransmissions. */
interface Refusal {
  response: string;
  peer: Peer;
  connection: Socket | undefined;
  /** The socket the INVITE arrived on, which the 503 leaves from. */
  endpoint: SipEndpoint;
}

interface Received {
  inbound: InboundMessage;
  peeked: PeekedMessage;
  key: string;
  endpoint: SipEndpoint;
}

/** Where a response to a request goes: back to its source, on its connection (TCP/TLS) or from the socket it arrived on. */
interface ReplyPath {
  peer: Peer;
  connection: Socket | undefined;
  endpoint: SipEndpoint;
}

/** Where a request of ours went and the socket it left from. */
interface Route {
  peer: Peer;
  endpoint: SipEndpoint;
}

const PATH_MEMORY = 10_000;

/**
 * sip.js Transport over a Node socket (and, on a UDP line, a second one for in-dialog requests). sip.js
 * hands over bare strings, so this class picks each message's destination and the socket it leaves from
 * (docs/sip-in-node.md §5), does the UDP retransmissions sip.js leaves out (docs/sip-in-node.md §1), and
 * protects in-dialog messages from an overload of new INVITEs (docs/sip-in-node.md §9).
 */
export class NodeSipTransport implements Transport {
  readonly protocol: string;
  readonly stateChange: Emitter<TransportState>;
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;
  private current = TransportState.Disconnected;
  private readonly emitter = new EmitterImpl<TransportState>();
  private readonly retransmitter: Retransmitter;
  private readonly replyPaths: ReplyPaths<ReplyPath>;
  private readonly inviteDestinations = new BoundedMap<string, Route>(PATH_MEMORY);
  /** The message being handed to sip.js right now (its parse is synchronous). */
  private delivering: { inbound: InboundMessage; peeked: PeekedMessage; endpoint: SipEndpoint } | undefined;
  private readonly overload: OverloadLimits;
  private readonly admission: InviteAdmission<Received>;
  /** Transaction keys of new INVITEs handed to sip.js: their retransmissions go straight to it. */
  private readonly admittedInvites: BoundedMap<string, true>;
  /**
   * The 503s sent to refused INVITEs, by transaction key (top Via branch + CSeq method). Forgotten after
   * Timer B, so once an overload is over the line goes back to not glancing at every message.
   */
  private readonly shedInvites: BoundedMap<string, Refusal>;
  private readonly counts = { admitted: 0, shed: 0, refusalsRepeated: 0 };
  private readonly peek: (text: string) => PeekedMessage;
  private overloadLog = { at: Number.NEGATIVE_INFINITY, shed: 0 };
  private readonly socketCounts: SocketStats = { main: {}, dialog: {} };

  constructor(
    _sipjsLogger: unknown,
    private readonly options: NodeSipTransportOptions,
  ) {
    this.protocol = options.endpoint.protocol;
    this.stateChange = this.emitter;
    this.retransmitter = new Retransmitter(options.clock, options.timers);
    // 64×T1: the longest a peer retransmits an INVITE (RFC 3261 §17.1.1.2, Timer B) and a server transaction
    // outlives its final response (Timers H, J, L). What is kept only for retransmissions is forgotten after
    // it, so at steady load these maps hold rate × 32 s entries instead of filling to their count bound.
    const transactionLifetime = { maxAgeMs: 64 * (options.timers ?? DEFAULT_TIMERS).t1, clock: options.clock };
    this.admittedInvites = new BoundedMap(PATH_MEMORY, transactionLifetime);
    this.shedInvites = new BoundedMap(SHED_MEMORY, transactionLifetime);
    this.replyPaths = new ReplyPaths(PATH_MEMORY, transactionLifetime);
    this.overload = options.overload ?? DEFAULT_OVERLOAD;
    this.peek = options.peek ?? peekSipMessage;
    this.admission = new InviteAdmission<Received>({
      maxPending: this.overload.maxPendingInvites,
      perTurn: INVITES_PER_TURN,
      start: (received) => this.startInvite(received),
      onError: (error) => this.options.logger.log('error', 'starting a new call failed', { error: (error as Error).message }),
    });
    const { endpoint, dialogEndpoint } = options;
    endpoint.onMessage = (message) => this.receive(message, endpoint);
    if (dialogEndpoint) dialogEndpoint.onMessage = (message) => this.receive(message, dialogEndpoint);
  }

  /** Requests handed to the SIP stack so far, by the socket they arrived on and method. */
  socketStats(): SocketStats {
    return { main: { ...this.socketCounts.main }, dialog: { ...this.socketCounts.dialog } };
  }

  /** What the overload protection has admitted and refused so far. */
  overloadStats(): OverloadStats {
    return { ...this.counts, pending: this.admission.size, peakPending: this.admission.peakPending };
  }

  get state(): TransportState {
    return this.current;
  }

  async connect(): Promise<void> {
    this.setState(TransportState.Connected);
    this.onConnect?.();
  }

  async disconnect(): Promise<void> {
    const dropped = this.admission.clear().length;
    if (dropped > 0) this.options.logger.log('info', 'new calls not started: the line is stopping', { invites: dropped });
    if (this.overloadLog.shed > 0) {
      // The refusals since the last overload log line, which would otherwise go unreported.
      this.options.logger.log('warn', 'refused new calls with 503 Service Unavailable under overload', {
        refusedSinceLastReport: this.overloadLog.shed,
        refusedTotal: this.counts.shed,
        admittedTotal: this.counts.admitted,
      });
      this.overloadLog = { at: this.options.clock.now(), shed: 0 };
    }
    this.retransmitter.stopAll();
    this.setState(TransportState.Disconnected);
  }

  async dispose(): Promise<void> {
    await this.disconnect();
  }

  isConnected(): boolean {
    return this.current === TransportState.Connected;
  }

  async send(message: string): Promise<void> {
    try {
      await this.route(message);
    } catch (error) {
      this.options.logger.log('warn', 'cannot send sip message', { error: (error as Error).message, start: message.slice(0, message.indexOf('\r\n')) });
      throw error;
    }
  }

  private async route(message: string): Promise<void> {
    const peeked: OutgoingGlance = glanceOutgoing(message) ?? peekSipMessage(message);
    const key = transactionKey(peeked);
    const udp = this.protocol === 'UDP';
    if (peeked.kind === 'response') {
      const path = this.replyPaths.forResponse(key, peeked.statusCode ?? 0) ?? {
        peer: await resolvePeer(viaReturnPeer(peeked.via), defaultPort(this.protocol)),
        connection: undefined,
        endpoint: this.options.endpoint,
      };
      await path.endpoint.send(message, path.peer, path.connection);
      if (udp && peeked.cseqMethod === 'INVITE' && (peeked.statusCode ?? 0) >= 300) {
        this.retransmitter.trackResponse(key, () => this.resend(message, path.peer, path.endpoint));
      }
      return;
    }
    const { peer: destination, endpoint } = await this.routeRequest(peeked);
    await endpoint.send(message, destination);
    if (udp && peeked.method !== 'ACK') this.retransmitter.trackRequest(key, peeked.method ?? '', () => this.resend(message, destination, endpoint));
  }

  /**
   * Where a request of ours goes (first Route, else the outbound proxy out of a dialog, else the
   * Request-URI; an ACK of a non-2xx answer and a CANCEL where their INVITE went, RFC 3261 §17.1.1.3, §9.1)
   * and the socket it leaves from: inside a dialog (a To tag: BYE, re-INVITE, the ACK of a 2xx, INFO,
   * REFER…) the in-dialog socket, whose address our Contact gave the peer — its answers come back there too
   * when the peer honours rport (RFC 3581), and a NAT learns that socket's binding; out of a dialog (INVITE,
   * REGISTER) the line's socket; an ACK or CANCEL the socket of its INVITE.
   */
  private async routeRequest(request: OutgoingGlance): Promise<Route> {
    const branch = request.via.branch ?? '';
    const sameAsInvite = request.method === 'ACK' || request.method === 'CANCEL' ? this.inviteDestinations.get(branch) : undefined;
    if (sameAsInvite) return sameAsInvite;
    let target: HostPort;
    if (request.firstRoute) target = uriHostPort(request.firstRoute);
    else if (!request.hasToTag && this.options.outboundProxy) target = this.options.outboundProxy;
    else target = uriHostPort(request.requestUri ?? '');
    const peer = await resolvePeer(target, defaultPort(this.protocol));
    const endpoint = request.hasToTag ? (this.options.dialogEndpoint ?? this.options.endpoint) : this.options.endpoint;
    if (request.method === 'INVITE') this.inviteDestinations.set(branch, { peer, endpoint });
    return { peer, endpoint };
  }

  private resend(message: string, peer: Peer, endpoint: SipEndpoint): void {
    endpoint.send(message, peer).catch((error: Error) => {
      this.options.logger.log('debug', 'sip retransmission failed', { error: error.message });
    });
  }

  private receive(inbound: InboundMessage, endpoint: SipEndpoint): void {
    if (this.isConnected() && this.answeredAtAGlance(inbound, endpoint)) return;
    let peeked: PeekedMessage;
    try {
      peeked = this.peek(inbound.text);
    } catch (error) {
      if (error instanceof MalformedRequestError && error.method !== 'ACK') {
        this.refuse(inbound, endpoint, error.echo, error.message);
        return;
      }
      this.options.logger.log('warn', 'dropped malformed sip message', {
        from: `${inbound.from.address}:${inbound.from.port}`,
        error: (error as Error).message,
      });
      return;
    }
    if (peeked.kind === 'request') inbound = { ...inbound, text: stampReceived(inbound.text, inbound.from) };
    const key = transactionKey(peeked);
    if (peeked.kind === 'request') {
      if (peeked.method === 'ACK') this.retransmitter.ackReceived(`${peeked.via.branch ?? ''} INVITE`);
      else this.replyPaths.received(key, { peer: inbound.from, connection: inbound.connection, endpoint });
    } else {
      this.retransmitter.responseReceived(key, peeked.statusCode ?? 0);
    }
    if (!this.isConnected()) return;
    // sip.js throws from a promise nobody catches (an unhandled rejection ends Node) when a
    // request's body has no Content-Type; RFC 3261 §20.15 makes the header mandatory then.
    if (peeked.kind === 'request' && !peeked.hasContentType && (peeked.contentLength ?? peeked.bodyBytes) > 0) {
      if (peeked.method === 'ACK')
        this.options.logger.log('warn', 'dropped an ACK with a body but no Content-Type', { from: `${inbound.from.address}:${inbound.from.port}` });
      else this.refuse(inbound, endpoint, peeked.echo, 'Missing Content-Type header field');
      return;
    }
    // Responses and in-dialog requests go to sip.js now, in the turn that read them; new INVITEs wait their
    // turn or are refused (docs/sip-in-node.md §9), so a BYE is never queued behind call set-ups.
    if (peeked.kind === 'request') {
      if (peeked.method === 'INVITE' && !peeked.hasToTag) return this.admitInvite({ inbound, peeked, key, endpoint });
      const branch = peeked.via.branch ?? peeked.callId;
      // A CANCEL must find its INVITE's transaction in the stack (RFC 3261 §9.2): a waiting INVITE starts now.
      if (peeked.method === 'CANCEL') {
        const waiting = this.admission.take(`${branch} INVITE`);
        if (waiting) this.startInvite(waiting);
      }
      // The ACK for one of our 503s ends that stateless exchange (RFC 3261 §17.2.1); sip.js never saw the INVITE.
      if (peeked.method === 'ACK' && this.shedInvites.has(`${branch} INVITE`)) return;
    }
    this.deliver(inbound, peeked, endpoint);
  }

  /**
   * The overload fast path (docs/sip-in-node.md §9): from a glance at the datagram (method, top Via
   * branch, Call-ID, CSeq, To tag — no full peek, no sip.js parse) it answers what overload makes common
   * and cheap to answer. A retransmission of a refused INVITE gets its 503 again, byte for byte, from
   * memory (RFC 3261 §17.2.1); a new INVITE that finds the admission queue full is refused with 503 at
   * once; the ACK of one of our 503s stops that 503's retransmissions. Returns false for anything else,
   * which then takes the full path.
   */
  private answeredAtAGlance(inbound: InboundMessage, endpoint: SipEndpoint): boolean {
    // Without a remembered 503 and with room in the queue, nothing can be answered here: skip the glance.
    if (this.shedInvites.size === 0 && this.admission.size < this.overload.maxPendingInvites) return false;
    const glance = glanceRequest(inbound.text);
    if (!glance) return false;
    const key = `${glance.branch ?? glance.callId} ${glance.cseqMethod}`;
    if (glance.method === 'ACK') {
      const inviteKey = `${glance.branch ?? glance.callId} INVITE`;
      if (glance.hasToTag && this.shedInvites.has(inviteKey)) {
        this.retransmitter.ackReceived(inviteKey);
        return true;
      }
      return false;
    }
    if (glance.method !== 'INVITE' || glance.cseqMethod !== 'INVITE' || glance.hasToTag) return false;
    const refusal = this.shedInvites.get(key);
    if (refusal !== undefined) {
      this.counts.refusalsRepeated++;
      this.sendRefusal(refusal);
      return true;
    }
    if (this.admission.size < this.overload.maxPendingInvites || this.admission.has(key) || this.admittedInvites.has(key)) return false;
    this.shed(glance.echo, inbound, endpoint, key);
    return true;
  }

  /**
   * A new INVITE (no To tag, RFC 3261 §12.1): a retransmission of one already started goes to the stack
   * (its transaction repeats its last response, §17.2.1), of one refused gets the same 503 again; any
   * other waits for admission, or is refused with 503 when too many already wait.
   */
  private admitInvite(received: Received): void {
    const { key } = received;
    if (this.admittedInvites.has(key)) return this.deliver(received.inbound, received.peeked, received.endpoint);
    const refusal = this.shedInvites.get(key);
    if (refusal !== undefined) {
      this.counts.refusalsRepeated++;
      return this.sendRefusal(refusal);
    }
    if (this.admission.offer(key, received) === 'full') this.shed(received.peeked.echo, received.inbound, received.endpoint, key);
  }

  private startInvite(received: Received): void {
    this.admittedInvites.set(received.key, true);
    this.counts.admitted++;
    this.deliver(received.inbound, received.peeked, received.endpoint);
  }

  /**
   * Refuses a new INVITE under overload with 503 Service Unavailable and Retry-After (RFC 3261 §21.5.4,
   * §20.33), built from its echoed headers (`echo`, the top Via stamped with received/rport as §18.2.1
   * and RFC 3581 §4 ask) and sent back where it came from, as every response to a request is; over UDP
   * repeated until the ACK (Timer G, §17.2.1). The 503 is kept by transaction key, so a retransmission of
   * the INVITE gets the same bytes again without being parsed. Counted, and logged at most every
   * OVERLOAD_LOG_INTERVAL_MS.
   */
  private shed(echo: RequestGlance['echo'], inbound: InboundMessage, endpoint: SipEndpoint, key: string): void {
    const [top, ...below] = echo.via;
    const comma = top!.indexOf(',');
    const stampedTop = comma === -1 ? stampViaValue(top!, inbound.from) : stampViaValue(top!.slice(0, comma), inbound.from) + top!.slice(comma);
    const response = serviceUnavailableResponse(
      { ...echo, via: [stampedTop, ...below] },
      this.overload.retryAfterSeconds,
      randomHex(this.options.random ?? cryptoRandom, 8),
    );
    const refusal: Refusal = { response, peer: inbound.from, connection: inbound.connection, endpoint };
    this.shedInvites.set(key, refusal);
    this.counts.shed++;
    this.overloadLog.shed++;
    const now = this.options.clock.now();
    if (now - this.overloadLog.at >= OVERLOAD_LOG_INTERVAL_MS) {
      this.options.logger.log('warn', 'overloaded: refusing new calls with 503 Service Unavailable', {
        refusedSinceLastReport: this.overloadLog.shed,
        refusedTotal: this.counts.shed,
        admittedTotal: this.counts.admitted,
        waiting: this.admission.size,
        maxPendingInvites: this.overload.maxPendingInvites,
        retryAfterSeconds: this.overload.retryAfterSeconds,
      });
      this.overloadLog = { at: now, shed: 0 };
    }
    this.sendRefusal(refusal);
    if (this.protocol === 'UDP') this.retransmitter.trackResponse(key, () => this.sendRefusal(refusal));
  }

  /** Sends a kept 503 to where its INVITE came from (never throws). */
  private sendRefusal({ response, peer, connection, endpoint }: Refusal): void {
    endpoint.send(response, peer, connection).catch((error: Error) => {
      this.options.logger.log('debug', 'sending a 503 failed', { error: error.message });
    });
  }

  private deliver(inbound: InboundMessage, peeked: PeekedMessage, endpoint: SipEndpoint): void {
    if (peeked.kind === 'request') {
      const counts = endpoint === this.options.endpoint ? this.socketCounts.main : this.socketCounts.dialog;
      const method = peeked.method ?? '';
      counts[method] = (counts[method] ?? 0) + 1;
    }
    this.delivering = { inbound, peeked, endpoint };
    try {
      this.onMessage?.(inbound.text);
    } catch (error) {
      this.options.logger.log('warn', 'sip stack failed on a message', { error: (error as Error).message });
    } finally {
      this.delivering = undefined;
    }
  }

  /**
   * Called by sip.js (patched, docs/sip-in-node.md §5) when its parser rejects a message that passed
   * our peek: a request other than ACK is answered 400 naming the header sip.js could not read.
   */
  onUnparseableMessage(message: string): void {
    const current = this.delivering;
    if (!current || current.inbound.text !== message) return;
    const { inbound, peeked, endpoint } = current;
    if (peeked.kind !== 'request' || peeked.method === 'ACK') {
      this.options.logger.log('warn', 'dropped a sip message the stack cannot parse', {
        from: `${inbound.from.address}:${inbound.from.port}`,
        start: message.slice(0, message.indexOf('\r\n')).slice(0, 80),
      });
      return;
    }
    const logged: string[] = [];
    const capture = { error: (text: string) => logged.push(text), warn: (text: string) => logged.push(text), log: () => undefined, debug: () => undefined };
    Core.Parser.parseMessage(message, capture as unknown as Core.Logger);
    this.refuse(inbound, endpoint, peeked.echo, parserComplaint(logged));
  }

  /** Answers a request we cannot process with a stateless 400 on the path it came (never throws). */
  private refuse(inbound: InboundMessage, endpoint: SipEndpoint, echo: RequestEcho, reason: string): void {
    this.options.logger.log('warn', 'refused a malformed sip request (400)', {
      from: `${inbound.from.address}:${inbound.from.port}`,
      reason,
      callId: echo.callId.slice(0, 80),
    });
    const response = badRequestResponse(echo, reason, randomHex(this.options.random ?? cryptoRandom, 8));
    endpoint.send(response, inbound.from, inbound.connection).catch((error: Error) => {
      this.options.logger.log('debug', 'sending a 400 failed', { error: error.message });
    });
  }

  private setState(state: TransportState): void {
    if (state === this.current) return;
    this.current = state;
    this.emitter.emit(state);
  }
}

function transactionKey(message: Pick<OutgoingGlance, 'via' | 'callId' | 'cseqMethod'>): string {
  return `${message.via.branch ?? message.callId} ${message.cseqMethod}`;
}
