import type { Socket } from 'node:net';
import type { Clock, Logger, Random } from '@callhook/core';
import { Core, EmitterImpl, TransportState, type Emitter, type Transport } from 'sip.js';
import { badRequestResponse, MalformedRequestError, parserComplaint, type RequestEcho } from '../message/bad-request.js';
import { peekSipMessage, type PeekedMessage } from '../message/peek.js';
import { stampReceived } from '../message/via-received.js';
import { cryptoRandom } from '@callhook/node';
import { randomHex } from '../random-draws.js';
import { BoundedMap } from './bounded-map.js';
import type { InboundMessage, Peer, SipEndpoint } from './endpoint.js';
import { Retransmitter, type RetransmitTimers } from './retransmitter.js';
import { defaultPort, resolvePeer, uriHostPort, viaReturnPeer, type HostPort } from './routing.js';

export interface NodeSipTransportOptions {
  endpoint: SipEndpoint;
  clock: Clock;
  logger: Logger;
  /** For the To tags of our stateless 400s; the system CSPRNG by default. */
  random?: Random;
  /** Out-of-dialog requests go here (the registrar, for a registered line). */
  outboundProxy?: HostPort;
  timers?: RetransmitTimers;
}

interface ReplyPath {
  peer: Peer;
  connection: Socket | undefined;
}

const PATH_MEMORY = 10_000;

/**
 * sip.js Transport over a Node socket. sip.js hands over bare strings, so this class picks each
 * message's destination (docs/sip-in-node.md §5) and does the UDP retransmissions sip.js leaves out (docs/sip-in-node.md §1).
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
  private readonly replyPaths = new BoundedMap<string, ReplyPath>(PATH_MEMORY);
  private readonly inviteDestinations = new BoundedMap<string, Peer>(PATH_MEMORY);
  /** The message being handed to sip.js right now (its parse is synchronous). */
  private delivering: { inbound: InboundMessage; peeked: PeekedMessage } | undefined;

  constructor(
    _sipjsLogger: unknown,
    private readonly options: NodeSipTransportOptions,
  ) {
    this.protocol = options.endpoint.protocol;
    this.stateChange = this.emitter;
    this.retransmitter = new Retransmitter(options.clock, options.timers);
    options.endpoint.onMessage = (message) => this.receive(message);
  }

  get state(): TransportState {
    return this.current;
  }

  async connect(): Promise<void> {
    this.setState(TransportState.Connected);
    this.onConnect?.();
  }

  async disconnect(): Promise<void> {
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
    const peeked = peekSipMessage(message);
    const key = transactionKey(peeked);
    const udp = this.protocol === 'UDP';
    if (peeked.kind === 'response') {
      const path = this.replyPaths.get(key) ?? { peer: await resolvePeer(viaReturnPeer(peeked.via), defaultPort(this.protocol)), connection: undefined };
      await this.options.endpoint.send(message, path.peer, path.connection);
      if (udp && peeked.cseqMethod === 'INVITE' && (peeked.statusCode ?? 0) >= 300) {
        this.retransmitter.trackResponse(key, () => this.resend(message, path.peer));
      }
      return;
    }
    const destination = await this.routeRequest(peeked);
    await this.options.endpoint.send(message, destination);
    if (udp && peeked.method !== 'ACK') this.retransmitter.trackRequest(key, peeked.method ?? '', () => this.resend(message, destination));
  }

  private async routeRequest(request: PeekedMessage): Promise<Peer> {
    const branch = request.via.branch ?? '';
    const sameAsInvite = request.method === 'ACK' || request.method === 'CANCEL' ? this.inviteDestinations.get(branch) : undefined;
    if (sameAsInvite) return sameAsInvite;
    let target: HostPort;
    if (request.firstRoute) target = uriHostPort(request.firstRoute);
    else if (!request.hasToTag && this.options.outboundProxy) target = this.options.outboundProxy;
    else target = uriHostPort(request.requestUri ?? '');
    const peer = await resolvePeer(target, defaultPort(this.protocol));
    if (request.method === 'INVITE') this.inviteDestinations.set(branch, peer);
    return peer;
  }

  private resend(message: string, peer: Peer): void {
    this.options.endpoint.send(message, peer).catch((error: Error) => {
      this.options.logger.log('debug', 'sip retransmission failed', { error: error.message });
    });
  }

  private receive(inbound: InboundMessage): void {
    let peeked: PeekedMessage;
    try {
      peeked = peekSipMessage(inbound.text);
    } catch (error) {
      if (error instanceof MalformedRequestError && error.method !== 'ACK') {
        this.refuse(inbound, error.echo, error.message);
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
      else this.replyPaths.set(key, { peer: inbound.from, connection: inbound.connection });
    } else {
      this.retransmitter.responseReceived(key, peeked.statusCode ?? 0);
    }
    if (!this.isConnected()) return;
    // sip.js throws from a promise nobody catches (an unhandled rejection ends Node) when a
    // request's body has no Content-Type; RFC 3261 §20.15 makes the header mandatory then.
    if (peeked.kind === 'request' && !peeked.hasContentType && (peeked.contentLength ?? peeked.bodyBytes) > 0) {
      if (peeked.method === 'ACK')
        this.options.logger.log('warn', 'dropped an ACK with a body but no Content-Type', { from: `${inbound.from.address}:${inbound.from.port}` });
      else this.refuse(inbound, peeked.echo, 'Missing Content-Type header field');
      return;
    }
    this.delivering = { inbound, peeked };
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
    const { inbound, peeked } = current;
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
    this.refuse(inbound, peeked.echo, parserComplaint(logged));
  }

  /** Answers a request we cannot process with a stateless 400 on the path it came (never throws). */
  private refuse(inbound: InboundMessage, echo: RequestEcho, reason: string): void {
    this.options.logger.log('warn', 'refused a malformed sip request (400)', {
      from: `${inbound.from.address}:${inbound.from.port}`,
      reason,
      callId: echo.callId.slice(0, 80),
    });
    const response = badRequestResponse(echo, reason, randomHex(this.options.random ?? cryptoRandom, 8));
    this.options.endpoint.send(response, inbound.from, inbound.connection).catch((error: Error) => {
      this.options.logger.log('debug', 'sending a 400 failed', { error: error.message });
    });
  }

  private setState(state: TransportState): void {
    if (state === this.current) return;
    this.current = state;
    this.emitter.emit(state);
  }
}

function transactionKey(message: PeekedMessage): string {
  return `${message.via.branch ?? message.callId} ${message.cseqMethod}`;
}
