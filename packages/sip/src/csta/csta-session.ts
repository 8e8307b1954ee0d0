import { silentLogger, type Clock, type Logger, type Random, type TimerHandle } from '@callhook/core';
import { cryptoRandom, systemClock } from '@callhook/node';
import { UserAgent, type Core, type URI } from 'sip.js';
import type { SipEndpoint } from '../transport/endpoint.js';
import { TcpEndpoint } from '../transport/tcp-endpoint.js';
import { UdpEndpoint } from '../transport/udp-endpoint.js';
import { decodeCstaMessage } from './csta-decode.js';
import { sendCstaInvite, type CstaDialog, type InviteOutcome, type PendingInvite, type SipAnswer } from './csta-dialog.js';
import { encodeCstaRequest } from './csta-encode.js';
import { answerPhoneInfo } from './csta-inbound.js';
import { CstaExchange } from './csta-exchange.js';
import type { CstaEdition } from './csta-namespaces.js';
import { refusalDetail } from './csta-refusal.js';
import { CstaRequestError, type CstaSessionDeps, type CstaSessionOptions, type CstaSessionStatus } from './csta-session-types.js';
import type { AutoOriginate, ConnectionId, CstaEvent, CstaRequest, CstaResults, CstaService, SnapshotCall } from './csta-types.js';
import { createCstaUserAgent } from './csta-user-agent.js';
import { reconnectDelay } from './reconnect-backoff.js';

/** The request of service `S`. */
export type CstaRequestOf<S extends CstaService> = Extract<CstaRequest, { service: S }>;

/** How long each teardown step (MonitorStop, BYE, stack stop) may take. */
const STOP_STEP_MS = 2_000;

/**
 * callhook's side of a uaCSTA session with one desk phone (ECMA TR/87 "Using CSTA for SIP phone
 * user agents"): it opens the session with an INVITE carrying `RequestSystemStatus` as
 * `application/csta+xml` (§7.1; the phone answers 200 OK with `RequestSystemStatusResponse`),
 * starts a monitor on the device (MonitorStart, §7.3), sends each request in an INFO and reads the
 * answer from the INFO's 200 OK body (§7.2) — or, when that 200 OK has no body and the service
 * has a result, from the phone's next INFO carrying the response — takes the phone's events from INFOs in the same dialog
 * (answered 200; an unreadable body 400), keeps the session alive with a RequestSystemStatus
 * keep-alive, and re-opens it with back-off when the phone refuses or goes away. Teardown:
 * MonitorStop (Snom ≥ 8.7.4), then BYE. Requests and events use ECMA-323 element names
 * (see `CstaRequest`, `CstaEvent`); vendor notes: Snom wiki "uaCSTA over SIP - Requests and Events".
 *
 * Call ids are opaque (Snom's are negative numbers). A CSTA request is correlated with its answer by
 * its SIP INFO transaction; `invokeId` in the logs numbers the requests of this session.
 */
export class CstaSession {
  private current: CstaSessionStatus = { state: 'stopped', detail: 'not started' };
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly timers: CstaSessionDeps['timers'];
  private readonly statusListeners = new Set<(status: CstaSessionStatus) => void>();
  private readonly eventListeners = new Set<(event: CstaEvent) => void>();
  private readonly exchange: CstaExchange;
  private endpoint: SipEndpoint | undefined;
  private userAgent: UserAgent | undefined;
  private target: URI | undefined;
  private dialog: CstaDialog | undefined;
  private invite: PendingInvite | undefined;
  private writeEdition: CstaEdition;
  private crossRefId: string | undefined;
  private attempt = 0;
  private generation = 0;
  private retryTimer: TimerHandle | undefined;
  private keepAliveTimer: TimerHandle | undefined;
  private refreshTimer: TimerHandle | undefined;
  private stopping = false;
  /** The `start()` under way, so a second call joins it instead of binding a second socket. */
  private starting: Promise<void> | undefined;
  /** Ends an `open()` waiting on its INVITE (set while one waits). */
  private abortOpen: (() => void) | undefined;

  constructor(
    private readonly options: CstaSessionOptions,
    deps: CstaSessionDeps = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? cryptoRandom;
    this.logger = deps.logger ?? silentLogger;
    this.timers = deps.timers;
    this.writeEdition = options.edition ?? 'ed3';
    this.exchange = new CstaExchange({
      clock: this.clock,
      logger: this.logger,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      edition: () => this.writeEdition,
      answeredIn: (edition) => this.adoptEdition(edition),
    });
  }

  /** Where the session's SIP socket listens, once started. */
  get localAddress(): { address: string; port: number; protocol: 'UDP' | 'TCP' | 'TLS' } | undefined {
    return this.endpoint && { ...this.endpoint.local, protocol: this.endpoint.protocol };
  }

  /** The ECMA-323 edition requests are written in now (the phone's, once it answered). */
  get edition(): CstaEdition {
    return this.writeEdition;
  }

  /** The phone's monitor cross reference id (MonitorStartResponse) while the session is up. */
  get monitorCrossRefId(): string | undefined {
    return this.crossRefId;
  }

  /** The session's state now. */
  status(): CstaSessionStatus {
    return this.current;
  }

  /** Calls `listener` on every status change; returns the unsubscribe function. */
  onStatus(listener: (status: CstaSessionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Calls `listener` for every call event the phone sends (in arrival order, duplicates included). */
  onEvent(listener: (event: CstaEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /**
   * Binds the SIP socket and opens the session. Resolves once the first attempt has ended — the
   * status then says `up`, `refused` or `lost` (with a re-open scheduled); a phone's refusal is not
   * an exception. Rejects only when the socket cannot be bound or the phone URI is not a SIP URI.
   */
  start(): Promise<void> {
    this.starting ??= this.startOnce().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    if (this.userAgent) return;
    const target = UserAgent.makeURI(this.options.phoneUri);
    if (!target) throw new CstaRequestError('bad_request', `the phone URI "${this.options.phoneUri}" is not a SIP URI`);
    const { bindAddress, port = 0, transport = 'udp' } = this.options;
    const endpoint =
      transport === 'tcp'
        ? await TcpEndpoint.listen(bindAddress, port, this.logger, { clock: this.clock })
        : await UdpEndpoint.bind(bindAddress, port, this.logger);
    const userAgent = createCstaUserAgent({
      localUri: this.options.localUri ?? `sip:callhook@${endpoint.local.address.includes(':') ? `[${endpoint.local.address}]` : endpoint.local.address}`,
      endpoint,
      clock: this.clock,
      random: this.random,
      logger: this.logger,
      ...(this.timers ? { timers: this.timers } : {}),
      ...(this.options.username !== undefined ? { username: this.options.username } : {}),
      ...(this.options.password !== undefined ? { password: this.options.password } : {}),
    });
    try {
      await userAgent.start();
    } catch (error) {
      await endpoint.close();
      throw new CstaRequestError('not_up', `the SIP stack did not start: ${(error as Error).message}`);
    }
    this.stopping = false;
    this.endpoint = endpoint;
    this.userAgent = userAgent;
    this.target = target;
    this.attempt = 0;
    await this.open();
  }

  /** Ends the session: MonitorStop and BYE (each bounded), then frees the socket. Never rejects. */
  async stop(): Promise<void> {
    if (!this.userAgent) return;
    this.stopping = true;
    this.generation++;
    this.cancelTimers();
    this.invite?.cancel();
    this.abortOpen?.();
    const dialog = this.dialog;
    const crossRefId = this.crossRefId;
    this.dialog = undefined;
    this.crossRefId = undefined;
    if (dialog && crossRefId !== undefined) {
      await this.bounded(
        this.send({ service: 'MonitorStop', monitorCrossRefId: crossRefId }, dialog).catch(() => undefined),
        STOP_STEP_MS,
      );
    }
    if (dialog) await this.bounded(dialog.bye(), STOP_STEP_MS);
    this.exchange.rejectAll('the CSTA session was stopped');
    const userAgent = this.userAgent;
    this.userAgent = undefined;
    await this.bounded(
      userAgent.stop().catch(() => undefined),
      STOP_STEP_MS,
    );
    await this.endpoint?.close();
    this.endpoint = undefined;
    this.setStatus({ state: 'stopped', detail: 'stopped' });
  }

  /**
   * Sends one CSTA request and resolves with its positive answer (`CstaResults[request.service]`). Rejects with
   * CstaRequestError: `csta_error` for a negative answer (ECMA-323 `CSTAErrorCode`), `sip_error`,
   * `timeout`, `not_up`, `bad_response` or `bad_request`.
   */
  async request<R extends CstaRequest>(request: R): Promise<CstaResults[R['service']]> {
    const dialog = this.dialog;
    if (this.current.state !== 'up' || !dialog) throw new CstaRequestError('not_up', `the CSTA session is ${this.current.state}: ${this.current.detail}`);
    return this.send(request, dialog);
  }

  /** Sends on `dialog` (no state check: open and stop use it too); a dead dialog means the session is lost. */
  private send<R extends CstaRequest>(request: R, dialog: CstaDialog): Promise<CstaResults[R['service']]> {
    const generation = this.generation;
    return this.exchange.send(request, dialog, (detail) => this.lose(detail, generation));
  }

  /**
   * ECMA-269 Make Call: the phone calls `calledDirectoryNumber` from `callingDevice` (default: the
   * monitored device; Snom wants "user_name@pbx of a configured identity"). Resolves with the new
   * call's connection at the calling device (`MakeCallResponse/callingDevice`).
   */
  async makeCall(calledDirectoryNumber: string, options: { callingDevice?: string; autoOriginate?: AutoOriginate } = {}): Promise<ConnectionId> {
    const result = await this.request({
      service: 'MakeCall',
      callingDevice: options.callingDevice ?? this.device,
      calledDirectoryNumber,
      ...(options.autoOriginate ? { autoOriginate: options.autoOriginate } : {}),
    });
    return result.callingDevice;
  }

  /** ECMA-269 Answer Call on a ringing connection. */
  async answerCall(connection: ConnectionId): Promise<void> {
    await this.request({ service: 'AnswerCall', callToBeAnswered: connection });
  }

  /** ECMA-269 Clear Connection: hangs up (or rejects a ringing call on) the connection. */
  async clearConnection(connection: ConnectionId): Promise<void> {
    await this.request({ service: 'ClearConnection', connectionToBeCleared: connection });
  }

  /** ECMA-269 Hold Call. */
  async holdCall(connection: ConnectionId): Promise<void> {
    await this.request({ service: 'HoldCall', callToBeHeld: connection });
  }

  /** ECMA-269 Retrieve Call (take a held call back). */
  async retrieveCall(connection: ConnectionId): Promise<void> {
    await this.request({ service: 'RetrieveCall', callToBeRetrieved: connection });
  }

  /** ECMA-269 Single Step Transfer Call (blind transfer); resolves with `transferredCall` when the phone names it. */
  async singleStepTransferCall(connection: ConnectionId, transferredTo: string): Promise<ConnectionId | undefined> {
    const result = await this.request({ service: 'SingleStepTransferCall', activeCall: connection, transferredTo });
    return result.transferredCall;
  }

  /** ECMA-269 Generate Digits: DTMF `digits` (0-9 * # A-D) on the connection. */
  async generateDigits(connection: ConnectionId, digits: string): Promise<void> {
    await this.request({ service: 'GenerateDigits', connectionToSendDigits: connection, charactersToSend: digits });
  }

  /** ECMA-269 Snapshot Device: the calls at `device` (default: the monitored device) and their states. */
  async snapshotDevice(device: string = this.device): Promise<SnapshotCall[]> {
    const result = await this.request({ service: 'SnapshotDevice', device });
    return result.calls;
  }

  private get device(): string {
    return this.options.device ?? this.options.phoneUri;
  }

  /** One attempt to open the session: INVITE (RequestSystemStatus), then MonitorStart. */
  private async open(): Promise<void> {
    const userAgent = this.userAgent;
    const target = this.target;
    if (!userAgent || !target || this.stopping) return;
    const generation = ++this.generation;
    this.setStatus({ state: 'connecting', detail: `opening a CSTA session with ${this.options.phoneUri}` });
    let invite: PendingInvite;
    try {
      invite = sendCstaInvite(userAgent, target, encodeCstaRequest({ service: 'RequestSystemStatus' }, this.writeEdition), {
        onInfo: (request) => this.receiveInfo(request, generation),
        onBye: () => this.lose('the phone ended the CSTA session (BYE)', generation, { byeSent: true }),
      });
    } catch (error) {
      return this.lose(`cannot send the CSTA INVITE: ${(error as Error).message}`, generation);
    }
    this.invite = invite;
    const connectMs = this.options.connectTimeoutMs ?? 15_000;
    const outcome = await this.firstOf(invite.outcome, connectMs);
    this.invite = undefined;
    if (outcome === 'timeout' || outcome === 'aborted') invite.cancel();
    if (generation !== this.generation || this.stopping || outcome === 'aborted') {
      if (typeof outcome === 'object' && outcome.kind === 'accepted') await outcome.dialog.bye();
      return;
    }
    if (outcome === 'timeout') return this.lose(`no answer from the phone to the CSTA INVITE within ${connectMs / 1000} s`, generation);
    if (outcome.kind === 'refused') {
      const { answer } = outcome;
      if (answer.local) return this.lose(`cannot reach the phone (${answer.statusCode} ${answer.reasonPhrase})`, generation);
      return this.refuse(refusalDetail(answer.statusCode, answer.reasonPhrase, this.options.password !== undefined), generation, answer.statusCode);
    }
    this.dialog = outcome.dialog;
    const refusal = this.readSystemStatus(outcome.answer);
    if (refusal) return this.refuse(refusal, generation);
    await this.startMonitor(outcome.dialog, generation, outcome.answer.sessionExpiresS);
  }

  /** The INVITE's outcome, `timeout` after `ms`, or `aborted` when `stop()` comes first. */
  private firstOf(outcome: Promise<InviteOutcome>, ms: number): Promise<InviteOutcome | 'timeout' | 'aborted'> {
    return new Promise((resolve) => {
      let done = false;
      const timer = this.clock.setTimeout(() => finish('timeout'), ms);
      const abort = () => finish('aborted');
      const finish = (value: InviteOutcome | 'timeout' | 'aborted') => {
        if (done) return;
        done = true;
        this.clock.clearTimeout(timer);
        if (this.abortOpen === abort) this.abortOpen = undefined;
        resolve(value);
      };
      this.abortOpen = abort;
      outcome.then(finish, () => finish('timeout'));
    });
  }

  /** The INVITE's 200 OK body: a RequestSystemStatusResponse (any other answer is logged, a CSTA error refuses). */
  private readSystemStatus(answer: SipAnswer): string | undefined {
    if (answer.body === undefined) {
      this.logger.log('debug', 'the phone accepted the CSTA session without a RequestSystemStatusResponse');
      return undefined;
    }
    try {
      const message = decodeCstaMessage(answer.body);
      if (message.kind === 'error') return `the phone refused the CSTA session: ${message.category} ${message.value}`;
      if (message.kind === 'response' && message.service === 'RequestSystemStatus') {
        this.adoptEdition(message.edition);
        this.logger.log('debug', 'csta system status', { systemStatus: message.result.systemStatus, edition: message.edition });
      } else this.logger.log('warn', 'unexpected CSTA body in the answer to the CSTA INVITE', { kind: message.kind });
    } catch (error) {
      this.logger.log('warn', 'unreadable CSTA body in the answer to the CSTA INVITE', { error: (error as Error).message });
    }
    return undefined;
  }

  private async startMonitor(dialog: CstaDialog, generation: number, sessionExpiresS: number | undefined): Promise<void> {
    try {
      const result = await this.send({ service: 'MonitorStart', device: this.device }, dialog);
      if (generation !== this.generation || this.stopping) return;
      this.crossRefId = result.monitorCrossRefId;
      this.attempt = 0;
      this.setStatus({ state: 'up', detail: `CSTA session up with ${this.options.phoneUri} (monitor ${result.monitorCrossRefId}, ${this.writeEdition})` });
      this.scheduleKeepAlive(generation);
      this.scheduleRefresh(sessionExpiresS, generation);
    } catch (error) {
      if (generation !== this.generation || this.stopping) return;
      // A dead dialog has already made the session lost (generation moved on); a timeout does here.
      const failure = error as CstaRequestError;
      if (failure.code === 'timeout') return this.lose(`MonitorStart got no answer: ${failure.message}`, generation);
      await this.refuse(`the phone refused to monitor ${this.device}: ${failure.message}`, generation, failure.details?.statusCode);
    }
  }

  /** An INFO from the phone: an event goes to the listeners, an answer to the request waiting for it. */
  private receiveInfo(request: Core.IncomingInfoRequest, generation: number): void {
    const message = answerPhoneInfo(request, this.logger);
    if (!message || generation !== this.generation) return;
    if (message.kind === 'event') return this.emitEvent(message);
    if (!this.exchange.takeFollowingAnswer(message)) {
      const what = message.kind === 'error' ? `CSTAErrorCode ${message.category}` : `${message.service}Response`;
      this.logger.log('warn', 'a CSTA answer arrived in an INFO with no request waiting for it: ignored', { answer: what });
    }
  }

  private emitEvent(event: CstaEvent): void {
    for (const listener of [...this.eventListeners]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.log('error', 'CSTA event listener failed', { event: event.type, error: (error as Error).message });
      }
    }
  }

  private scheduleKeepAlive(generation: number): void {
    const every = this.options.keepAliveMs ?? 60_000;
    if (every <= 0) return;
    this.keepAliveTimer = this.clock.setTimeout(() => {
      this.keepAliveTimer = undefined;
      const dialog = this.dialog;
      if (generation !== this.generation || !dialog || this.current.state !== 'up') return;
      this.send({ service: 'RequestSystemStatus' }, dialog).then(
        () => generation === this.generation && this.scheduleKeepAlive(generation),
        (error: CstaRequestError) => {
          // A phone that answers at all (even with an error) is still there.
          if (error.code === 'timeout') this.lose(`keep-alive: ${error.message}`, generation);
          else if (generation === this.generation && this.current.state === 'up') this.scheduleKeepAlive(generation);
        },
      );
    }, every);
  }

  /**
   * RFC 4028: when the phone set a session interval (`Session-Expires` in its 200 OK), refresh the
   * session with a re-INVITE at half of it, as sipe does; a refresh the network or the phone no longer
   * knows (481, 408, no answer) means the session is lost.
   */
  private scheduleRefresh(expiresS: number | undefined, generation: number): void {
    if (expiresS === undefined) return;
    this.refreshTimer = this.clock.setTimeout(
      () => {
        this.refreshTimer = undefined;
        const dialog = this.dialog;
        if (generation !== this.generation || !dialog) return;
        this.logger.log('debug', 'refreshing the CSTA session (re-INVITE)', { sessionExpiresS: expiresS });
        void dialog.refresh(encodeCstaRequest({ service: 'RequestSystemStatus' }, this.writeEdition)).then((answer) => {
          if (generation !== this.generation) return;
          if (answer.local || answer.statusCode === 481 || answer.statusCode === 408) {
            return this.lose(`session refresh got ${answer.statusCode} ${answer.reasonPhrase}`, generation);
          }
          if (answer.statusCode >= 300) this.logger.log('warn', 'the phone refused the CSTA session refresh', { statusCode: answer.statusCode });
          this.scheduleRefresh(answer.sessionExpiresS ?? expiresS, generation);
        });
      },
      Math.max(expiresS / 2, 1) * 1000,
    );
  }

  /**
   * The phone went away: forget the dialog, fail what waits on it, re-open later. Unless the phone
   * ended the dialog itself (`byeSent`), a BYE goes out without waiting, in case it still hears us.
   */
  private lose(detail: string, generation: number, how: { byeSent?: boolean } = {}): void {
    if (generation !== this.generation || this.stopping) return;
    this.generation++;
    this.endDialog(how.byeSent === true);
    this.scheduleReopen({ state: 'lost', detail });
  }

  /** The phone said no: end any dialog (BYE), re-open later (its settings may change). */
  private async refuse(detail: string, generation: number, statusCode?: number): Promise<void> {
    if (generation !== this.generation || this.stopping) return;
    this.generation++;
    const dialog = this.dialog;
    this.dialog = undefined;
    this.crossRefId = undefined;
    this.cancelSessionTimers();
    this.exchange.rejectAll(`the CSTA session was refused: ${detail}`);
    this.scheduleReopen({ state: 'refused', detail, ...(statusCode !== undefined ? { statusCode } : {}) });
    if (dialog) await this.bounded(dialog.bye(), STOP_STEP_MS);
  }

  private endDialog(phoneEndedIt: boolean): void {
    const dialog = this.dialog;
    this.dialog = undefined;
    this.crossRefId = undefined;
    this.cancelSessionTimers();
    this.exchange.rejectAll('the CSTA session was lost');
    if (!dialog) return;
    if (phoneEndedIt) dialog.dispose();
    // The phone may still hear us: end its side too, without waiting for it.
    else void dialog.bye().finally(() => dialog.dispose());
  }

  private scheduleReopen(status: CstaSessionStatus): void {
    const wait = reconnectDelay(this.attempt++, this.options.reconnectInitialMs ?? 2_000, this.options.reconnectMaxMs ?? 300_000, this.random);
    const retryAt = this.clock.now() + wait;
    this.logger.log('warn', 'CSTA session down', { state: status.state, detail: status.detail, retryInMs: wait });
    this.setStatus({ ...status, retryAt });
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.open().catch((error: Error) => this.logger.log('warn', 're-opening the CSTA session failed', { error: error.message }));
    }, wait);
  }

  private adoptEdition(edition: CstaEdition): void {
    if (this.options.forceEdition || edition === this.writeEdition) return;
    this.logger.log('debug', 'writing CSTA in the edition the phone answers in', { edition });
    this.writeEdition = edition;
  }

  private cancelTimers(): void {
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.cancelSessionTimers();
  }

  /** The timers that belong to one open session: keep-alive and refresh. */
  private cancelSessionTimers(): void {
    if (this.keepAliveTimer !== undefined) this.clock.clearTimeout(this.keepAliveTimer);
    if (this.refreshTimer !== undefined) this.clock.clearTimeout(this.refreshTimer);
    this.keepAliveTimer = undefined;
    this.refreshTimer = undefined;
  }

  /** Waits for `work` at most `ms` on the session's clock. */
  private async bounded(work: Promise<unknown>, ms: number): Promise<void> {
    let timer: TimerHandle | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = this.clock.setTimeout(resolve, ms);
    });
    await Promise.race([work.then(() => undefined), timeout]);
    if (timer !== undefined) this.clock.clearTimeout(timer);
  }

  private setStatus(status: CstaSessionStatus): void {
    const password = this.options.password;
    const detail = password ? status.detail.split(password).join('***') : status.detail;
    this.current = { ...status, detail };
    for (const listener of [...this.statusListeners]) {
      try {
        listener(this.current);
      } catch (error) {
        this.logger.log('error', 'CSTA status listener failed', { error: (error as Error).message });
      }
    }
  }
}
