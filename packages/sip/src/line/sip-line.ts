import {
  CallhookError,
  LineEventHub,
  maskCredentials,
  silentLogger,
  type Clock,
  type Line,
  type LineCommand,
  type LineEvent,
  type LineStatus,
  type Logger,
  type Random,
} from '@callhook/core';
import type { SipLineSettings } from '../settings/sip-line-schema.js';
import { Inviter, SessionState, UserAgent, type Invitation, type Session } from 'sip.js';
import { cryptoRandom, systemClock } from '@callhook/node';
import { join } from 'node:path';
import { randomHex } from '../random-draws.js';
import type { CallAudioSources } from '../media/call-audio.js';
import type { CallAudioPort } from '../media/call-audio-port.js';
import { loadWavPrompts } from '../media/wav-prompt.js';
import { audioRateOf, PCM_RATE, type AudioRate } from '../media/codec.js';
import { WavRecorder } from '../media/wav-recorder.js';
import type { MediaCounters, RtpStream } from '../rtp/rtp-stream.js';
import { RtpSocketPool } from '../rtp/socket-pool.js';
import { callQuality } from '../media/call-quality.js';
import { formatHost, peerKey, type Peer, type SipEndpoint } from '../transport/endpoint.js';
import { defaultPort, resolvePeer } from '../transport/routing.js';
import { Every } from '../every.js';
import { TlsEndpoint } from '../transport/tls-endpoint.js';
import { loadTlsMaterial } from '../transport/tls-trust.js';
import type { RetransmitTimers } from '../transport/retransmitter.js';
import { TcpEndpoint, type TcpLimits } from '../transport/tcp-endpoint.js';
import { UdpEndpoint } from '../transport/udp-endpoint.js';
import { NodeSipTransport, type OverloadStats, type SocketStats } from '../transport/node-sip-transport.js';
import { answer, blindTransfer, hangup, sendDtmf, setHold, type CallPorts } from './call-actions.js';
import { receiveInvitation, type IncomingContext } from './incoming-call.js';
import { MediaWatch } from './media-watch.js';
import { QUALITY_REPORT_MS, QualityReport } from './quality-report.js';
import { Registration } from './registration.js';
import { SipCall } from './sip-call.js';
import { dialTarget } from './target-uri.js';
import { outgoingInviteDelegate } from './outgoing-call.js';
import { delay, withTimeout } from './with-timeout.js';
import { createUserAgent } from './user-agent-factory.js';
import { installGrammarCache } from '../message/grammar-cache.js';
import { chooseLineAddress, firstHop, type LineAddress } from './line-address.js';
import { callMediaLoaded, loadCallMedia } from '../call-media-loader.js';
import { srtpCipher } from '../srtp/srtp-cipher.js';

export interface SipLineDeps {
  logger?: Logger;
  clock?: Clock;
  /** Randomness for SDP session ids, RTP SSRC/sequence/timestamp, tags and retry jitter (default: the system CSPRNG). */
  random?: Random;
  /** Shorter RFC 3261 timers for tests. */
  timers?: RetransmitTimers;
  /** Delay before registering again after a failure (default 30 s). */
  registrationRetryMs?: number;
  /** The data directory: recordings go to `<dataDir>/recordings/<call_guid>.wav` (`line.media.record`). */
  dataDir?: string;
  /** The engine's call GUID of a line call id (recordings and `audioOf` use GUIDs); default: the line call id. */
  callGuid?: (lineCallId: string) => string | undefined;
  /**
   * How often a connected call's live quality is reported as a `quality` line event, ms of `clock`
   * (default `QUALITY_REPORT_MS`, 5 s: the RFC 3550 §6.2 RTCP interval). Shorter for tests.
   */
  qualityReportMs?: number;
}

const STOP_TIMEOUT_MS = 3_000;
/** How long stop() waits for the peer to answer a BYE (the first retransmissions of T1 = 500 ms fit). */
const BYE_ANSWER_WAIT_MS = 2_000;

function tcpLimits(settings: SipLineSettings): TcpLimits {
  const { maxConnections, maxConnectionsPerPeer, firstRequestTimeoutSeconds } = settings.tcp;
  return { maxConnections, maxConnectionsPerPeer, firstMessageTimeoutMs: firstRequestTimeoutSeconds * 1000 };
}
const REGISTRATION_RETRY_MS = 30_000;
/** Longer than a SIP transaction (64*T1 = 32 s), so sip.js normally reports first. */
const COMMAND_TIMEOUT_MS = 35_000;

/** The softphone line: a sip.js UserAgent on a Node socket, calls mapped to line events. */
export class SipLine implements Line {
  readonly kind = 'sip';
  private readonly calls = new Map<string, SipCall>();
  private readonly callsBySession = new Map<Session, SipCall>();
  private readonly mediaWatches = new Map<string, MediaWatch>();
  private readonly qualityReports = new Map<string, QualityReport>();
  /** Media streams of answered calls until their end is reported. */
  private readonly answeredStreams = new Map<string, RtpStream>();
  /** RTP/RTCP socket pairs reused across the calls of one start (closed by stop). */
  private rtpSockets: RtpSocketPool | undefined;
  private endpoint: SipEndpoint | undefined;
  /** The in-dialog socket of a UDP line (`line.dialogPort`), named in the Contact of INVITEs and their answers. */
  private dialogEndpoint: UdpEndpoint | undefined;
  private userAgent: UserAgent | undefined;
  private registration: Registration | undefined;
  /** The registrar as connected to (TLS lines): a lost connection to it triggers a new REGISTER. */
  private registrarPeer: Peer | undefined;
  private keepAlive: Every | undefined;
  private readonly logger: Logger;
  private readonly events: LineEventHub;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly ports: CallPorts;
  private readonly incomingContext: IncomingContext;
  private readonly prompts: CallAudioSources;

  constructor(
    private readonly settings: SipLineSettings,
    private readonly deps: SipLineDeps = {},
  ) {
    this.logger = deps.logger ?? silentLogger;
    const logger = this.logger;
    this.events = new LineEventHub((error, event) => logger.log('error', 'line event listener failed', { event: event.type, error: (error as Error).message }));
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? cryptoRandom;
    this.ports = { clock: this.clock, random: this.random };
    this.incomingContext = {
      settings,
      logger: this.logger,
      emit: (event) => this.emit(event),
      track: (invitation) => this.track(`sip-${randomHex(this.random, 16)}`, 'in', invitation),
      newCallId: () => `sip-${randomHex(this.random, 16)}`,
    };
    this.prompts = { prompt: this.loadPrompt('play'), holdMusic: this.loadPrompt('holdMusic') };
  }

  /**
   * The PCM audio of a call by its GUID (or line call id): hear the far end, and send frames that
   * replace silence and prompts. Undefined for an unknown call or one whose media is not open yet
   * (it opens when the call is offered or answered). See `CallAudioPort`.
   */
  audioOf(callGuid: string): CallAudioPort | undefined {
    const call = this.calls.get(callGuid) ?? [...this.calls.values()].find((candidate) => this.deps.callGuid?.(candidate.id) === callGuid);
    return call?.sdh?.stream?.audio;
  }

  /** Where the recording of a call is or would be written, or undefined without a data directory. */
  recordingPath(callGuid: string): string | undefined {
    return this.deps.dataDir === undefined ? undefined : join(this.deps.dataDir, 'recordings', `${callGuid}.wav`);
  }

  /** The highest audio rate this line's calls run at: 16 kHz with G722 or opus among its codecs (and `wideband` on), else 8 kHz. */
  private get maxSampleRate(): AudioRate {
    return this.settings.media.wideband ? (Math.max(...this.settings.media.codecs.map(audioRateOf)) as AudioRate) : PCM_RATE;
  }

  /** A `play`/`holdMusic` WAV at each audio rate the line's calls can have, converted once here so no call converts it. */
  private loadPrompt(field: 'play' | 'holdMusic'): Map<number, Int16Array> | undefined {
    const path = this.settings.media[field];
    if (path === undefined) return undefined;
    const rates = new Set(this.settings.media.codecs.map((codec) => Math.min(audioRateOf(codec), this.maxSampleRate)));
    try {
      return loadWavPrompts(path, rates);
    } catch (error) {
      // Checked when the settings loaded; the file changed since.
      this.logger.log('error', `line.media.${field} cannot be played`, { error: (error as Error).message });
      return undefined;
    }
  }

  /**
   * Where the line listens, once started; `dialogPort` is its in-dialog UDP socket's port (`line.dialogPort`),
   * absent with one socket (tcp, tls, `dialogPort: false`).
   */
  get localAddress(): { address: string; port: number; protocol: 'UDP' | 'TCP' | 'TLS'; dialogPort?: number } | undefined {
    if (!this.endpoint) return undefined;
    const local = { ...this.endpoint.local, protocol: this.endpoint.protocol };
    return this.dialogEndpoint ? { ...local, dialogPort: this.dialogEndpoint.local.port } : local;
  }

  async start(): Promise<void> {
    if (this.userAgent) return;
    this.setStatus({ state: 'starting', detail: 'starting' });
    const { port, transport } = this.settings;
    if (transport === 'tls' && !this.settings.registrar) {
      this.setStatus({
        state: 'failed',
        detail: 'transport "tls" needs line.registrar: the line opens the TLS connection to the PBX and takes its calls on it (it accepts no TLS connections)',
      });
      throw new CallhookError('line_error', this.events.status.detail);
    }
    if (!UserAgent.makeURI(this.settings.aor)) {
      this.setStatus({ state: 'failed', detail: `bad address of record ${this.settings.aor}` });
      throw new CallhookError('line_error', this.events.status.detail);
    }
    let address: LineAddress;
    try {
      address = await chooseLineAddress(this.settings);
    } catch (error) {
      this.setStatus({ state: 'failed', detail: (error as Error).message });
      throw new CallhookError('line_error', this.events.status.detail);
    }
    const bindAddress = address.bind;
    let tls: TlsEndpoint | undefined;
    try {
      if (transport === 'tls') tls = this.tlsEndpoint(bindAddress);
    } catch (error) {
      this.setStatus({ state: 'failed', detail: (error as Error).message });
      throw new CallhookError('line_error', this.events.status.detail);
    }
    try {
      this.endpoint =
        tls ??
        (transport === 'tcp'
          ? await TcpEndpoint.listen(bindAddress, port, this.logger, { clock: this.clock, limits: tcpLimits(this.settings) })
          : await UdpEndpoint.bind(bindAddress, port, this.logger));
    } catch (error) {
      this.setStatus({ state: 'failed', detail: `cannot listen on ${transport} ${bindAddress}:${port}: ${(error as Error).message}` });
      throw new CallhookError('line_error', this.events.status.detail);
    }
    try {
      this.dialogEndpoint = await this.openDialogSocket(bindAddress);
    } catch (error) {
      await this.endpoint.close();
      this.endpoint = undefined;
      this.setStatus({ state: 'failed', detail: (error as Error).message });
      throw new CallhookError('line_error', this.events.status.detail);
    }
    installGrammarCache();
    if (this.settings.media.encryption !== 'none') {
      const { cipher, why } = srtpCipher();
      // The JavaScript cipher puts the same packets on the wire for ~5× the CPU per packet: say why it is used.
      this.logger.log(cipher === 'openssl' ? 'debug' : 'info', `srtp cipher: ${cipher}`, why ? { why } : {});
    }
    this.rtpSockets = new RtpSocketPool(this.endpoint.local.address);
    const userAgent = createUserAgent({
      settings: this.settings,
      endpoint: this.endpoint,
      ...(this.dialogEndpoint ? { dialogEndpoint: this.dialogEndpoint } : {}),
      advertisedAddress: address.advertised,
      clock: this.clock,
      random: this.random,
      logger: this.logger,
      ...(this.deps.timers ? { timers: this.deps.timers } : {}),
      delegate: { onInvite: (invitation) => this.withCallMedia(invitation, () => receiveInvitation(invitation, this.incomingContext)) },
      onRemoteHold: (session, held) => this.callsBySession.get(session)?.holdChanged('remote', held),
      onAnswerRefused: (session, why) => {
        const call = this.callsBySession.get(session);
        // Only a first answer ends the call (sip.js sends ACK and BYE); a refused re-INVITE answer leaves it up.
        if (call?.phase === 'ringing') call.endReason ??= { by: 'local', cause: 'failed', detail: `the answer was refused (ACK and BYE): ${why}` };
      },
      media: () => callMediaLoaded()!,
      createAudio: () => new (callMediaLoaded()!.CallAudio)(this.logger, this.prompts, { maxSampleRate: this.maxSampleRate }),
      rtpSockets: this.rtpSockets,
    });
    this.userAgent = userAgent;
    try {
      await userAgent.start();
    } catch (error) {
      this.rtpSockets.close();
      await this.endpoint.close();
      await this.dialogEndpoint?.close();
      this.userAgent = undefined;
      this.endpoint = undefined;
      this.dialogEndpoint = undefined;
      this.setStatus({ state: 'failed', detail: `SIP stack did not start: ${(error as Error).message}` });
      throw new CallhookError('line_error', this.events.status.detail);
    }
    const { registrar } = this.settings;
    if (!registrar) {
      const local = this.endpoint.local;
      this.setStatus({ state: 'ready', detail: `listening on ${transport} ${formatHost(local.address)}:${local.port}` });
      return;
    }
    const registrarUri = UserAgent.makeURI(`${/^sips:/i.test(this.settings.aor) ? 'sips' : 'sip'}:${registrar}`);
    if (!registrarUri) throw new CallhookError('line_error', `bad registrar ${registrar}`);
    const endpoint = this.endpoint;
    this.startKeepAlive([this.endpoint, ...(this.dialogEndpoint ? [this.dialogEndpoint] : [])]);
    this.registration = new Registration(userAgent, {
      ...(tls ? { prepare: () => this.openRegistrarFlow(tls, userAgent) } : {}),
      ...(endpoint.lastFailure ? { transportFailure: () => endpoint.lastFailure?.() } : {}),
      registrar: registrarUri,
      registrarText: `${registrar}${this.settings.outboundProxy ? ` via ${this.settings.outboundProxy}` : ''} over ${this.endpoint.protocol}`,
      expires: this.settings.registerExpires,
      clock: this.clock,
      logger: this.logger,
      retryMs: this.deps.registrationRetryMs ?? REGISTRATION_RETRY_MS,
      onStatus: (status) => this.setStatus(status),
    });
    await this.registration.start();
  }

  /**
   * The second UDP socket of a UDP line, for in-dialog requests (`line.dialogPort`, docs/sip-in-node.md §9),
   * on the same address as the line's socket; undefined with tcp/tls or `dialogPort: false`. Throws an
   * error naming the field and the fix when the port is taken or the settings do not allow it.
   */
  private async openDialogSocket(bindAddress: string): Promise<UdpEndpoint | undefined> {
    const { dialogPort, port, transport } = this.settings;
    if (dialogPort === false) return undefined;
    if (transport !== 'udp') {
      if (dialogPort === 0) return undefined;
      throw new Error(
        `line.dialogPort ${dialogPort} applies to UDP only: over ${transport} calls keep the one connection per peer; leave line.dialogPort at 0 or remove it`,
      );
    }
    if (dialogPort !== 0 && dialogPort === port)
      throw new Error(`line.dialogPort ${dialogPort} is line.port too: give line.dialogPort another port, 0 for any free port, or false for one socket`);
    try {
      return await UdpEndpoint.bind(bindAddress, dialogPort, this.logger);
    } catch (error) {
      throw new Error(
        `cannot listen on udp ${bindAddress}:${dialogPort} (line.dialogPort): ${(error as Error).message}; give line.dialogPort a free port, 0 for any free port, or false for one socket`,
      );
    }
  }

  /**
   * NAT keep-alives to the first hop every `keepAliveSeconds` (see SipLineSchema), from each of the line's
   * sockets: the in-dialog socket's binding must stay open too when a PBX sends a long call's BYE there.
   * DNS is looked up per tick.
   */
  private startKeepAlive(endpoints: SipEndpoint[]): void {
    const seconds = this.settings.keepAliveSeconds;
    if (seconds === 0) return;
    const hop = firstHop(this.settings);
    const protocol = endpoints[0]!.protocol;
    this.keepAlive = new Every(this.clock, seconds * 1000, () => {
      resolvePeer(hop, defaultPort(protocol)).then(
        (peer) => endpoints.forEach((endpoint) => endpoint.keepAlive(peer)),
        (error: Error) => this.logger.log('debug', 'keep-alive: cannot resolve the first hop', { error: error.message }),
      );
    });
  }

  /**
   * New INVITEs started, refused with 503 under overload, and waiting (see `line.overload`), for
   * diagnostics and tests; undefined before start.
   */
  overloadStats(): OverloadStats | undefined {
    const transport = this.userAgent?.transport;
    return transport instanceof NodeSipTransport ? transport.overloadStats() : undefined;
  }

  /**
   * Requests the SIP stack was handed, by the socket they arrived on (`main`: `line.port`; `dialog`:
   * `line.dialogPort`) and method, for diagnostics and tests; undefined before start.
   */
  socketStats(): SocketStats | undefined {
    const transport = this.userAgent?.transport;
    return transport instanceof NodeSipTransport ? transport.socketStats() : undefined;
  }

  /** NAT keep-alives sent and answered (pongs on TLS/TCP), on all of the line's sockets, for diagnostics and tests. */
  get keepAliveStats(): { sent: number; answered: number } | undefined {
    if (!this.endpoint) return undefined;
    const dialog = this.dialogEndpoint?.keepAliveStats ?? { sent: 0, answered: 0 };
    return { sent: this.endpoint.keepAliveStats.sent + dialog.sent, answered: this.endpoint.keepAliveStats.answered + dialog.answered };
  }

  /** The TLS client endpoint of a `tls` line; throws (naming the field) when a CA or client certificate file is unusable. */
  private tlsEndpoint(bindAddress: string): TlsEndpoint {
    const endpoint = new TlsEndpoint({
      bindAddress,
      material: loadTlsMaterial(this.settings.tls),
      serverName: this.settings.tls.serverName,
      clock: this.clock,
      logger: this.logger,
    });
    endpoint.onClosed = (peer) => {
      if (this.registrarPeer && peerKey(peer) === peerKey(this.registrarPeer)) this.registration?.reconnect();
    };
    return endpoint;
  }

  /**
   * Opens (or reuses) the TLS connection to the registrar and writes its local port into the Contact, so the
   * registrar reaches the line over that connection (RFC 5923 §1; RFC 5626 §3 without flow tokens).
   */
  private async openRegistrarFlow(tls: TlsEndpoint, userAgent: UserAgent): Promise<void> {
    this.registrarPeer = await resolvePeer(firstHop(this.settings), 5061);
    const local = await tls.open(this.registrarPeer);
    userAgent.contact.uri.port = local.port;
  }

  async stop(): Promise<void> {
    const userAgent = this.userAgent;
    if (!userAgent) return;
    // Each BYE is waited for until the peer answers it (bounded): closing the socket right after sip.js
    // hands the BYE to the transport lost it, and with it the transaction's retransmissions.
    await Promise.allSettled(
      [...this.calls.values()].map((call) =>
        withTimeout(hangup(call, this.ports, undefined, { awaitByeAnswerMs: BYE_ANSWER_WAIT_MS }), STOP_TIMEOUT_MS, 'hangup', this.clock),
      ),
    );
    if (this.registration && (await this.registration.stop())) {
      this.setStatus({ state: 'unregistered', detail: `unregistered from ${this.settings.registrar}` });
    }
    // sip.js can hang in stop() with many sessions open (docs/sip-in-node.md §7).
    await Promise.race([userAgent.stop().catch(() => undefined), delay(this.clock, STOP_TIMEOUT_MS)]);
    for (const call of [...this.calls.values()]) {
      call.endReason ??= { by: 'local', cause: 'normal' };
      this.forget(call);
      this.emit({ type: 'ended', lineCallId: call.id, ...call.endReason });
    }
    this.keepAlive?.stop();
    this.keepAlive = undefined;
    this.rtpSockets?.close();
    await this.endpoint?.close();
    await this.dialogEndpoint?.close();
    this.userAgent = undefined;
    this.registration = undefined;
    this.endpoint = undefined;
    this.dialogEndpoint = undefined;
    this.setStatus({ state: 'stopped', detail: 'stopped' });
  }

  status(): LineStatus {
    return this.events.status;
  }

  onEvent(listener: (event: LineEvent) => void): () => void {
    return this.events.subscribe(listener);
  }

  /** Line call ids currently known, for diagnostics and tests. */
  callIds(): string[] {
    return [...this.calls.keys()];
  }

  /**
   * Media figures of a call, for diagnostics, tests and the call's quality: RTP packets sent and
   * received, whether the peer's port was reported unreachable, loss, jitter, RTT and codec. Undefined
   * for an unknown call or one without a media stream yet.
   */
  callMedia(lineCallId: string): (MediaCounters & { unreachable: boolean }) | undefined {
    const stream = this.calls.get(lineCallId)?.sdh?.stream;
    return stream && { ...stream.counters(), unreachable: stream.unreachable };
  }

  async execute(command: LineCommand): Promise<void> {
    if (!this.userAgent) throw new CallhookError('line_not_ready', `the SIP line is ${this.events.status.state}`);
    if (command.type === 'make_call') return this.dial(command.callId, command.target);
    const call = this.calls.get(command.lineCallId);
    if (!call) throw new CallhookError('no_such_call', `no SIP call ${command.lineCallId}`);
    try {
      switch (command.type) {
        case 'answer':
          return await answer(call);
        case 'hangup':
          return await hangup(call, this.ports);
        case 'hold':
          return await withTimeout(setHold(call, true, this.ports), COMMAND_TIMEOUT_MS, 'hold', this.clock);
        case 'unhold':
          return await withTimeout(setHold(call, false, this.ports), COMMAND_TIMEOUT_MS, 'unhold', this.clock);
        case 'transfer':
          return await withTimeout(blindTransfer(call, this.uriOf(command.target).uri), COMMAND_TIMEOUT_MS, 'transfer', this.clock);
        case 'dtmf':
          return await withTimeout(sendDtmf(call, command.digits), COMMAND_TIMEOUT_MS, 'dtmf', this.clock);
      }
    } catch (error) {
      if (error instanceof CallhookError) throw error;
      throw new CallhookError('line_error', `${command.type} failed: ${(error as Error).message}`);
    }
  }

  private async dial(callId: string, target: string): Promise<void> {
    if (!callMediaLoaded()) {
      try {
        await loadCallMedia();
      } catch (error) {
        throw new CallhookError('line_error', `cannot call ${target}: the call media code did not load: ${(error as Error).message}`);
      }
    }
    if (this.events.status.state !== 'ready')
      throw new CallhookError('line_not_ready', `the SIP line is ${this.events.status.state}: ${this.events.status.detail}`);
    if (this.calls.has(callId)) throw new CallhookError('duplicate_dial', `call ${callId} exists`);
    const { uri, remoteParty } = this.uriOf(target);
    const inviter = new Inviter(this.userAgent!, uri);
    const call = this.track(callId, 'out', inviter);
    this.emit({
      type: 'outgoing',
      lineCallId: callId,
      remoteParty,
      remoteName: null,
      localParty: this.settings.aor,
      localName: this.settings.displayName ?? null,
    });
    try {
      await inviter.invite({ requestDelegate: outgoingInviteDelegate(call) });
    } catch (error) {
      call.endReason ??= { by: 'local', cause: 'failed', detail: (error as Error).message };
      throw new CallhookError('line_error', `cannot call ${target}: ${(error as Error).message}`);
    }
  }

  /**
   * Runs `take` for a new INVITE at once when the media half (src/call-media.ts) is loaded, else once it
   * is: at the first call of a process whose host did not load it in idle time after ready
   * (`preloadCallMedia` of `@callhook/sip/lazy`); sip.js builds the call's SDP handler synchronously
   * when it answers. An INVITE cancelled meanwhile is left to sip.js (it answered 487); one whose media
   * cannot be loaded (a broken install) is refused with 500 and logged.
   */
  private withCallMedia(invitation: Invitation, take: () => void): void {
    if (callMediaLoaded()) return take();
    loadCallMedia()
      .then(
        () => {
          if (invitation.state === SessionState.Initial) take();
        },
        (error: Error) => {
          this.logger.log('error', 'cannot load the call media code: call refused (500)', { error: error.message });
          invitation.reject({ statusCode: 500 }).catch(() => undefined);
        },
      )
      .catch((error: Error) => this.logger.log('error', 'taking an incoming call failed', { error: error.message }));
  }

  /** The Request-URI and reported remote party of a target, by core's shared normaliser. */
  private uriOf(target: string) {
    const dialled = dialTarget(target, this.settings);
    const uri = UserAgent.makeURI(dialled.uri);
    if (!uri) throw new CallhookError('invalid_target', `cannot dial "${target}": ${dialled.uri} is not a SIP URI`, { field: 'target' });
    return { uri, remoteParty: dialled.remoteParty };
  }

  private track(id: string, direction: 'in' | 'out', session: Session): SipCall {
    const call = new SipCall(
      id,
      direction,
      session,
      (event) => {
        if (event.type === 'ended') {
          this.qualityReports.get(call.id)?.stop(); // no live report after `ended` (Line contract rule 5)
          event = this.withMedia(call, event);
        }
        if (event.type === 'answered') {
          const stream = call.sdh?.stream;
          if (stream) this.answeredStreams.set(call.id, stream);
          stream?.startClock();
          this.watchMedia(call);
          this.reportQuality(call);
          this.startRecording(call);
        }
        if ((event.type === 'held' || event.type === 'resumed') && event.by === 'local') call.sdh?.stream?.audio.setHeld(event.type === 'held');
        this.emit(event);
      },
      (ended) => this.forget(ended),
    );
    this.calls.set(call.id, call);
    this.callsBySession.set(call.session, call);
    return call;
  }

  /** Ends the call with BYE once its media is dead (see MediaWatch); the reason goes into `ended`. */
  private watchMedia(call: SipCall): void {
    const timeoutMs = this.settings.media.inactivityTimeoutSeconds * 1000;
    const watch = new MediaWatch(call, this.clock, timeoutMs, (why) => {
      this.logger.log('warn', 'ending a dead call', { lineCallId: call.id, reason: why });
      hangup(call, this.ports, { by: 'local', cause: 'failed', detail: why }).catch((error: Error) =>
        this.logger.log('warn', 'hanging up a dead call failed', { lineCallId: call.id, error: error.message }),
      );
    });
    this.mediaWatches.set(call.id, watch);
  }

  /** Live `quality` events of a connected call (see QualityReport); they stop before its `ended`. */
  private reportQuality(call: SipCall): void {
    const report = new QualityReport(call, this.clock, this.deps.qualityReportMs ?? QUALITY_REPORT_MS, (event) => this.emit(event));
    this.qualityReports.set(call.id, report);
  }

  /** The quality and recording of an answered call, for the `ended` event (and so the call snapshot). */
  private withMedia(call: SipCall, event: Extract<LineEvent, { type: 'ended' }>): LineEvent {
    const stream = this.answeredStreams.get(call.id);
    this.answeredStreams.delete(call.id);
    if (!stream) return event;
    stream.close(); // ends the recording now (idempotent; sip.js closes it too)
    return { ...event, media: { quality: callQuality(stream.counters()), recorded: stream.audio.recorded } };
  }

  /** `line.media.record`: both directions of an answered call into DATA/recordings/<call_guid>.wav. */
  private startRecording(call: SipCall): void {
    if (!this.settings.media.record) return;
    const stream = call.sdh?.stream;
    const path = this.recordingPath(this.deps.callGuid?.(call.id) ?? call.id);
    if (!stream || !path) {
      this.logger.log('warn', 'call not recorded: no data directory or no media stream', { lineCallId: call.id });
      return;
    }
    stream.audio.record((sampleRate) => new WavRecorder(path, this.logger, sampleRate));
  }

  private forget(call: SipCall): void {
    this.mediaWatches.get(call.id)?.stop();
    this.mediaWatches.delete(call.id);
    this.qualityReports.get(call.id)?.stop();
    this.qualityReports.delete(call.id);
    this.calls.delete(call.id);
    this.callsBySession.delete(call.session);
    this.answeredStreams.delete(call.id);
  }

  /**
   * Every status detail (shown by /healthz, the console, the tray, log lines) with credentials masked:
   * URL userinfo passwords, and the line's own password wherever an error message might quote it.
   */
  private setStatus(status: LineStatus): void {
    const { password } = this.settings;
    let detail = maskCredentials(status.detail);
    if (password.length > 0) detail = detail.split(password).join('***');
    this.events.setStatus({ ...status, detail });
  }

  private emit(event: LineEvent): void {
    this.events.emit(event);
  }
}
