import {
  CallhookError,
  LineEventHub,
  readLineTarget,
  silentLogger,
  uuidV7,
  type Clock,
  type EndCause,
  type Line,
  type LineCommand,
  type LineEvent,
  type LineStatus,
  type Logger,
  type Party,
  type Random,
  type TimerHandle,
} from '@callhook/core';
import { cryptoRandom } from '@callhook/node';
import { lookup } from 'node:dns/promises';
import { PhoneCommandError, PhoneProblem, type PhoneCallRef, type PhoneDriver, type PhoneEvent, type PhoneEventKind, type PhoneEventSink } from '../driver.js';
import { eventListeners as sharedListeners, type EventListeners } from '../events/event-listener.js';
import { parsePhoneEvent } from '../events/parse-event.js';
import { accountOf, cstaOf, type DeskPhoneSettings } from '../settings.js';
import { eventBase, eventSecret, setupEntries } from '../setup.js';
import { retryDelayMs } from './backoff.js';
import { sameParty } from './match-party.js';

/** What a `DeskPhoneLine` runs on besides its settings. Every timer runs on `clock`; ids and jitter come from `random`. */
export interface DeskPhoneLineDeps {
  clock: Clock;
  driver: PhoneDriver;
  logger?: Logger;
  /** Absent: the system CSPRNG. */
  random?: Random;
  /** The event listeners to register on (default: the process-wide ones, shared by lines on the same port). */
  listeners?: EventListeners;
  /** The phone's addresses for a host name in `url` (default: DNS lookup). */
  resolveHost?: (host: string) => Promise<string[]>;
  /**
   * How long an unanswered call may go without any event from the phone before callhook closes it
   * (ms, default 120 000): Snom sends nothing when a call is rejected on the phone. The call ends
   * with cause `failed` and a detail saying the phone sent no end.
   */
  silenceTimeoutMs?: number;
  /** How long after a hangup the phone accepted its end event may take before callhook ends the call itself (ms, default 10 000). */
  hangupConfirmMs?: number;
  /** How often a phone that can be polled (Grandstream line status, uaCSTA SnapshotDevice) is asked for its line state while calls are open (ms, default 5 000). */
  pollMs?: number;
  /** How often a ready phone is probed (ms, default 30 000, ±20 % jitter). */
  healthMs?: number;
}

interface DeskCall {
  lineCallId: string;
  phoneCallId: string | null;
  direction: 'incoming' | 'outgoing';
  state: PhoneCallRef['state'];
  remoteParty: string;
  /** False while our dial request is in flight: phone events for it wait in `deferred`. */
  announced: boolean;
  deferred: PhoneEvent[];
  /** Set when we asked the phone to end the call: its end event is then ours. */
  localEnd: boolean;
  /** Whether any event of the phone named this call (an outgoing call we placed may have none yet). */
  confirmed: boolean;
  lastEventAt: number;
  guard: TimerHandle | null;
}

const RECENT_ENDS = 512;
const NO_ID_LATE_WINDOW_MS = 5_000;

/**
 * A desk phone as a `Line` (hardware telephone mode). It remote-controls the phone through a
 * `PhoneDriver` and turns the phone's event URLs (heard on `callback.listen:port` under the line's
 * secret, from the phone's address only) — or the events of a driver with its own channel (uaCSTA,
 * `PhoneDriver.open`) — into line events:
 *
 * - `localParty` is `account` as `user@domain` and `localName` null, so `<$local_alias>` equals
 *   `<$local_party>` (the spec's hardware mode).
 * - Calls dialled on the keypad get a UUID v7 as line call id (the engine uses it as the call GUID);
 *   calls placed with `make_call` use the engine's id and are bound to the phone's first event of
 *   the same party.
 * - Duplicate, late and reordered events are tolerated: each call is an idempotent state machine, a
 *   call seen first as `connected` is reported `incoming` + `answered`, and events of ended calls are
 *   ignored.
 * - A call that never reports its end is closed by polling the phone (Grandstream, uaCSTA) or after
 *   `silenceTimeoutMs` without events, with cause `failed` and a detail saying so.
 * - Commands the phone can only apply to its focused call are refused (`wrong_call_state`) while it
 *   has more than one call, instead of guessing.
 * - Status: `starting` → `ready`, or `failed` (the phone refuses us: login, allow-list) /
 *   `unregistered` (unreachable) with the fix named; retried with backoff (1 s … 60 s), probed every
 *   `healthMs` while ready. No phone answer, event or timer can throw out of the line.
 */
export class DeskPhoneLine implements Line {
  readonly kind = 'deskphone';
  private readonly hub: LineEventHub;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly driver: PhoneDriver;
  private readonly listeners: EventListeners;
  private readonly account: string;
  private readonly secret: string;
  private readonly silenceTimeoutMs: number;
  private readonly pollMs: number;
  private readonly hangupConfirmMs: number;
  private readonly healthMs: number;
  private readonly calls = new Map<string, DeskCall>();
  private readonly recentIds: string[] = [];
  private readonly recentIdSet = new Set<string>();
  private readonly recentNoId: { party: string; at: number }[] = [];
  private allowed = new Set<string>();
  private listening = false;
  private running = false;
  private generation = 0;
  private attempt = 0;
  private retryTimer: TimerHandle | null = null;
  private pollTimer: TimerHandle | null = null;
  private polling = false;

  constructor(
    private readonly settings: DeskPhoneSettings,
    private readonly deps: DeskPhoneLineDeps,
  ) {
    this.logger = deps.logger ?? silentLogger;
    this.hub = new LineEventHub((error, event) => this.logger.log('error', 'a line event listener threw', { error: String(error), event: event.type }));
    this.clock = deps.clock;
    this.random = deps.random ?? cryptoRandom;
    this.driver = deps.driver;
    this.listeners = deps.listeners ?? sharedListeners;
    this.account = accountOf(settings);
    this.secret = eventSecret(settings);
    this.silenceTimeoutMs = deps.silenceTimeoutMs ?? 120_000;
    this.pollMs = deps.pollMs ?? 5_000;
    this.hangupConfirmMs = deps.hangupConfirmMs ?? 10_000;
    this.healthMs = deps.healthMs ?? 30_000;
  }

  status(): LineStatus {
    return this.hub.status;
  }

  onEvent(listener: (event: LineEvent) => void): () => void {
    return this.hub.subscribe(listener);
  }

  /** The phone's addresses that may call the event URLs (after `start`). */
  get allowedAddresses(): ReadonlySet<string> {
    return this.allowed;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.hub.setStatus({ state: 'starting', detail: `contacting the ${this.driver.vendor} phone at ${this.settings.url}` });
    await this.connect(++this.generation);
  }

  async stop(): Promise<void> {
    if (!this.running) {
      if (this.hub.status.state !== 'stopped') this.hub.setStatus({ state: 'stopped', detail: 'stopped' });
      return;
    }
    this.running = false;
    this.generation++;
    this.clearTimer('retryTimer');
    this.clearTimer('pollTimer');
    for (const call of [...this.calls.values()]) {
      if (call.announced) this.end(call, 'local', 'normal', 'callhook stopped watching the phone (the call may go on at the phone)');
      else this.forget(call);
    }
    if (this.listening) {
      this.listening = false;
      if (this.driver.close) await this.driver.close();
      else if (this.settings.callback)
        await this.listeners
          .remove(this.settings.callback.listen, this.settings.callback.port, this.secret)
          .catch((error: unknown) => this.logger.log('warn', 'closing the phone event listener failed', { error: String(error) }));
    }
    this.hub.setStatus({ state: 'stopped', detail: 'stopped' });
  }

  async execute(command: LineCommand): Promise<void> {
    if (command.type === 'make_call') return this.makeCall(command.callId, command.target);
    const call = this.calls.get(command.lineCallId);
    if (!call || !call.announced) throw new CallhookError('no_such_call', `no call ${command.lineCallId} on line ${this.settings.id}`);
    switch (command.type) {
      case 'answer':
        if (call.direction !== 'incoming' || call.state !== 'ringing') throw this.wrongState(call, 'answer', 'a ringing incoming call');
        this.refuseIfAmbiguous(call, 'answer');
        return this.run(() => this.driver.answer(ref(call)));
      case 'hangup': {
        this.refuseIfAmbiguous(call, 'hang up');
        const wasRinging = call.state === 'ringing';
        call.localEnd = true;
        try {
          await this.run(() => this.driver.hangup(ref(call)));
        } catch (error) {
          call.localEnd = false;
          throw error;
        }
        if (this.calls.get(call.lineCallId) !== call) return;
        if (wasRinging && this.driver.capabilities.silentReject)
          return this.end(call, 'local', 'rejected', `rejected by callhook; ${this.driver.vendor} sends no event for a rejected call`);
        this.armHangupGuard(call);
        return;
      }
      case 'hold':
        if (call.state !== 'connected') throw this.wrongState(call, 'hold', 'a connected call that is not on hold');
        this.refuseIfAmbiguous(call, 'hold');
        await this.run(() => this.driver.hold(ref(call)));
        if (this.calls.get(call.lineCallId) === call && call.state === 'connected') {
          call.state = 'held';
          this.hub.emit({ type: 'held', lineCallId: call.lineCallId, by: 'local' });
        }
        return;
      case 'unhold':
        if (call.state !== 'held') throw this.wrongState(call, 'unhold', 'a call on hold');
        this.refuseIfAmbiguous(call, 'unhold');
        await this.run(() => this.driver.unhold(ref(call)));
        if (this.calls.get(call.lineCallId) === call && call.state === 'held') {
          call.state = 'connected';
          this.hub.emit({ type: 'resumed', lineCallId: call.lineCallId, by: 'local' });
        }
        return;
      case 'transfer':
        if (call.state !== 'connected' && call.state !== 'held') throw this.wrongState(call, 'transfer', 'a connected call');
        if (!this.driver.capabilities.transfer) return this.run(() => this.driver.transfer(ref(call), command.target));
        this.refuseIfAmbiguous(call, 'transfer');
        return this.run(() => this.driver.transfer(ref(call), command.target));
      case 'dtmf':
        if (call.state !== 'connected') throw this.wrongState(call, 'send DTMF on', 'a connected call that is not on hold');
        if (!this.driver.capabilities.dtmf) return this.run(() => this.driver.dtmf(ref(call), command.digits));
        this.refuseIfAmbiguous(call, 'send DTMF on');
        return this.run(() => this.driver.dtmf(ref(call), command.digits));
    }
  }

  private async makeCall(callId: string, target: string): Promise<void> {
    if (this.hub.status.state !== 'ready') throw new CallhookError('line_not_ready', `line ${this.settings.id} is not ready: ${this.hub.status.detail}`);
    if (this.calls.has(callId)) throw new CallhookError('wrong_call_state', `call ${callId} exists already on line ${this.settings.id}`);
    const { target: read, remoteParty } = readLineTarget(target);
    const number = read.kind === 'sip' ? read.uri : read.serviceCodes + read.number;
    const call: DeskCall = {
      lineCallId: callId,
      phoneCallId: null,
      direction: 'outgoing',
      state: 'alerting',
      remoteParty,
      announced: false,
      deferred: [],
      localEnd: false,
      confirmed: false,
      lastEventAt: this.clock.now(),
      guard: null,
    };
    this.calls.set(callId, call);
    try {
      const phoneCallId = await this.run(() => this.driver.dial(number, this.account));
      if (typeof phoneCallId === 'string' && call.phoneCallId === null) call.phoneCallId = phoneCallId;
    } catch (error) {
      this.forget(call);
      throw error;
    }
    if (this.calls.get(callId) !== call)
      throw new CallhookError('line_not_ready', `line ${this.settings.id} stopped while the phone was dialling ${remoteParty}`);
    call.announced = true;
    this.hub.emit({ type: 'outgoing', lineCallId: callId, remoteParty, remoteName: null, localParty: this.account, localName: null });
    this.hub.emit({ type: 'alerting', lineCallId: callId });
    this.armGuard(call);
    this.schedulePoll();
    for (const event of call.deferred.splice(0)) this.apply(call, event);
  }

  /** Runs a driver command; its refusals become `line_error` with the driver's message. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (error instanceof PhoneCommandError) throw new CallhookError('line_error', error.message);
      if (error instanceof CallhookError) throw error;
      throw new CallhookError('line_error', `the phone command failed: ${String(error)}`);
    }
  }

  private refuseIfAmbiguous(call: DeskCall, what: string): void {
    if (this.driver.capabilities.addressesCalls && call.phoneCallId) return;
    const open = [...this.calls.values()].filter((c) => c.announced).length;
    if (open > 1)
      throw new CallhookError(
        'wrong_call_state',
        `cannot ${what} call ${call.lineCallId}: ${this.driver.vendor} over ${this.settings.protocol} acts on the phone's focused call only, and the phone has ${open} calls; do it on the phone`,
      );
  }

  private wrongState(call: DeskCall, what: string, needs: string): CallhookError {
    return new CallhookError('wrong_call_state', `cannot ${what} call ${call.lineCallId}: it is ${call.state}, not ${needs}`);
  }

  // --- the phone's events -------------------------------------------------------------------------

  /** Takes one event URL rest (`<event>/…?…`) from the listener; returns a refusal or null. Never throws. */
  handleEventUrl(rest: string): string | null {
    try {
      const event = parsePhoneEvent(rest);
      if (typeof event === 'string') return event;
      if (!this.running) return null;
      this.handleEvent(event);
      return null;
    } catch (error) {
      this.logger.log('error', 'a phone event could not be handled', { error: String(error) });
      return null;
    }
  }

  /** Applies one vendor-neutral phone event (from the event-URL listener, or a driver's own channel such as uaCSTA). */
  handleEvent(event: PhoneEvent): void {
    if (event.kind === 'idle') return this.phoneIdle('the phone went idle without an end event for this call');
    if (event.phoneCallId && this.recentIdSet.has(event.phoneCallId)) return this.logger.log('debug', 'late phone event ignored', { kind: event.kind });
    let call = this.find(event);
    if (!call) {
      if (!event.phoneCallId && this.endedRecently(event.remoteParty)) return this.logger.log('debug', 'late phone event ignored', { kind: event.kind });
      if (event.kind === 'incoming' || event.kind === 'connected') call = this.newCall('incoming', event);
      else if (event.kind === 'outgoing') call = this.newCall('outgoing', event);
      else return this.logger.log('debug', 'phone event for no known call ignored', { kind: event.kind });
    }
    if (!call.announced) {
      call.deferred.push(event);
      if (event.phoneCallId && !call.phoneCallId) call.phoneCallId = event.phoneCallId;
      return;
    }
    this.apply(call, event);
  }

  private find(event: PhoneEvent): DeskCall | undefined {
    const calls = [...this.calls.values()];
    if (event.phoneCallId) {
      const byId = calls.find((c) => c.phoneCallId === event.phoneCallId);
      if (byId) return byId;
    }
    // Calls we placed that the phone has not named yet take its first event of the same party.
    const unbound = calls.filter((c) => c.direction === 'outgoing' && c.phoneCallId === null && !c.confirmed);
    const pending = unbound.filter((c) => sameParty(c.remoteParty, event.remoteParty));
    if (pending.length > 0 && event.kind !== 'incoming') return pending[0];
    if (event.phoneCallId) return undefined;
    // Without call ids (Grandstream): the open call of the same party, or the only open call.
    const sameRemote = calls.filter((c) => sameParty(c.remoteParty, event.remoteParty));
    if (sameRemote.length > 0) return sameRemote[0];
    if (event.kind !== 'incoming' && event.kind !== 'outgoing' && event.remoteParty === null && calls.length === 1) return calls[0];
    return undefined;
  }

  private newCall(direction: 'incoming' | 'outgoing', event: PhoneEvent): DeskCall {
    const call: DeskCall = {
      lineCallId: uuidV7(this.clock, this.random),
      phoneCallId: event.phoneCallId,
      direction,
      state: direction === 'incoming' ? 'ringing' : 'alerting',
      remoteParty: event.remoteParty ?? 'unknown',
      announced: true,
      deferred: [],
      localEnd: false,
      confirmed: true,
      lastEventAt: this.clock.now(),
      guard: null,
    };
    this.calls.set(call.lineCallId, call);
    const party = { remoteParty: call.remoteParty, remoteName: event.remoteName, localParty: this.account, localName: null };
    this.hub.emit({ type: direction, lineCallId: call.lineCallId, ...party });
    if (direction === 'outgoing') this.hub.emit({ type: 'alerting', lineCallId: call.lineCallId });
    this.armGuard(call);
    this.schedulePoll();
    return call;
  }

  private apply(call: DeskCall, event: PhoneEvent): void {
    if (this.calls.get(call.lineCallId) !== call) return;
    call.lastEventAt = this.clock.now();
    call.confirmed = true;
    if (event.phoneCallId && !call.phoneCallId) call.phoneCallId = event.phoneCallId;
    switch (event.kind as Exclude<PhoneEventKind, 'idle'>) {
      case 'incoming':
      case 'outgoing':
        if (call.guard !== null) this.armGuard(call);
        return;
      case 'connected':
        if (call.state === 'ringing' || call.state === 'alerting') {
          call.state = 'connected';
          this.clearGuard(call);
          this.hub.emit({ type: 'answered', lineCallId: call.lineCallId });
        }
        return;
      case 'hold':
        if (call.state === 'connected') {
          call.state = 'held';
          this.hub.emit({ type: 'held', lineCallId: call.lineCallId, by: 'local' });
        }
        return;
      case 'unhold':
        if (call.state === 'held') {
          call.state = 'connected';
          this.hub.emit({ type: 'resumed', lineCallId: call.lineCallId, by: 'local' });
        }
        return;
      case 'disconnected':
      case 'missed':
      case 'rejected':
      case 'remote_canceled':
        return this.endByPhone(call, event.kind as 'disconnected' | 'missed' | 'rejected' | 'remote_canceled');
    }
  }

  private endByPhone(call: DeskCall, kind: 'disconnected' | 'missed' | 'rejected' | 'remote_canceled'): void {
    const answered = call.state === 'connected' || call.state === 'held';
    const by: Party = call.localEnd || kind === 'rejected' ? 'local' : 'remote';
    if (answered) return this.end(call, by, 'normal');
    if (call.direction === 'incoming') {
      if (by === 'local') return this.end(call, 'local', 'rejected');
      return this.end(call, 'remote', kind === 'missed' ? 'no_answer' : 'normal');
    }
    this.end(call, by, 'normal');
  }

  private phoneIdle(detail: string): void {
    for (const call of [...this.calls.values()]) {
      if (!call.announced) continue;
      if (call.state === 'connected' || call.state === 'held') this.end(call, call.localEnd ? 'local' : 'remote', 'normal', detail);
      else this.end(call, call.localEnd ? 'local' : 'remote', 'failed', detail);
    }
  }

  private end(call: DeskCall, by: Party, cause: EndCause, detail?: string): void {
    if (this.calls.get(call.lineCallId) !== call) return;
    this.forget(call);
    this.hub.emit({ type: 'ended', lineCallId: call.lineCallId, by, cause, ...(detail ? { detail } : {}) });
  }

  private forget(call: DeskCall): void {
    this.clearGuard(call);
    this.calls.delete(call.lineCallId);
    if (call.phoneCallId) {
      this.recentIds.push(call.phoneCallId);
      this.recentIdSet.add(call.phoneCallId);
      if (this.recentIds.length > RECENT_ENDS) this.recentIdSet.delete(this.recentIds.shift()!);
    } else {
      this.recentNoId.push({ party: call.remoteParty, at: this.clock.now() });
      if (this.recentNoId.length > RECENT_ENDS) this.recentNoId.shift();
    }
  }

  private endedRecently(party: string | null): boolean {
    const since = this.clock.now() - NO_ID_LATE_WINDOW_MS;
    return this.recentNoId.some((ended) => ended.at >= since && sameParty(ended.party, party));
  }

  private armGuard(call: DeskCall): void {
    this.clearGuard(call);
    if (call.state !== 'ringing' && call.state !== 'alerting') return;
    call.guard = this.clock.setTimeout(
      () =>
        this.safely('silence guard', () => {
          call.guard = null;
          if (this.calls.get(call.lineCallId) !== call || (call.state !== 'ringing' && call.state !== 'alerting')) return;
          const seconds = Number((this.silenceTimeoutMs / 1000).toFixed(1));
          const detail = call.confirmed
            ? `no end event from the phone within ${seconds} s of ringing (${this.driver.vendor} sends none for some calls, e.g. Snom for a call rejected on the phone); closed by callhook`
            : this.settings.protocol === 'csta'
              ? `the phone took MakeCall but sent no CSTA event about the call within ${seconds} s; closed by callhook`
              : `the phone took the dial request but reported nothing about the call within ${seconds} s; check its event URLs (callhook phone setup)${this.driver.vendor === 'yealink' ? ' and confirm "Allow remote control?" on the phone' : ''}; closed by callhook`;
          this.end(call, 'remote', 'failed', detail);
        }),
      this.silenceTimeoutMs,
    );
  }

  /** After the phone took our hangup: its end event should follow; without one the call is ended anyway. */
  private armHangupGuard(call: DeskCall): void {
    this.clearGuard(call);
    call.guard = this.clock.setTimeout(
      () =>
        this.safely('hangup guard', () => {
          call.guard = null;
          if (this.calls.get(call.lineCallId) !== call) return;
          const answered = call.state === 'connected' || call.state === 'held';
          const detail = `the phone took callhook's hangup but sent no end event within ${Number((this.hangupConfirmMs / 1000).toFixed(1))} s; closed by callhook`;
          this.end(call, 'local', answered || call.direction === 'outgoing' ? 'normal' : 'rejected', detail);
        }),
      this.hangupConfirmMs,
    );
  }

  private clearGuard(call: DeskCall): void {
    if (call.guard !== null) this.clock.clearTimeout(call.guard);
    call.guard = null;
  }

  // --- polling (phones that can tell their line state) --------------------------------------------

  private schedulePoll(): void {
    if (!this.driver.capabilities.pollsLineState || (!this.driver.pollIdle && !this.driver.pollCalls) || this.pollTimer !== null || !this.running) return;
    this.pollTimer = this.clock.setTimeout(() => this.safely('line state poll', () => void this.poll()), this.pollMs);
  }

  private async poll(): Promise<void> {
    this.pollTimer = null;
    if (!this.running || this.polling || (!this.driver.pollIdle && !this.driver.pollCalls)) return;
    this.polling = true;
    const started = this.clock.now();
    try {
      if (this.driver.pollCalls) {
        const open = await this.driver.pollCalls();
        if (!this.running) return;
        for (const call of [...this.calls.values()]) {
          if (!call.announced || call.phoneCallId === null || open.has(call.phoneCallId) || call.lastEventAt >= started - 1_000) continue;
          const detail = 'the phone no longer lists this call (uaCSTA SnapshotDevice) but sent no end event; closed by callhook';
          this.end(call, call.localEnd ? 'local' : 'remote', call.state === 'connected' || call.state === 'held' ? 'normal' : 'failed', detail);
        }
        return;
      }
      const idle = await this.driver.pollIdle!();
      if (idle && this.running) {
        // Calls the phone reported after the poll was sent are not covered by its answer.
        for (const call of [...this.calls.values()]) {
          if (!call.announced || call.lastEventAt >= started - 1_000) continue;
          const detail = 'the phone reports no call (api-get_line_status) but sent no end event; closed by callhook';
          this.end(call, call.localEnd ? 'local' : 'remote', call.state === 'connected' || call.state === 'held' ? 'normal' : 'failed', detail);
        }
      }
    } catch (error) {
      this.logger.log('debug', 'polling the phone failed', { error: String(error) });
    } finally {
      this.polling = false;
      if (this.calls.size > 0) this.schedulePoll();
    }
  }

  // --- status, probing, retry ---------------------------------------------------------------------

  private async connect(generation: number): Promise<void> {
    try {
      if (!this.listening && this.driver.open) {
        await this.driver.open(this.sink(generation));
        if (generation !== this.generation) {
          // stop() ran while the channel was opening: it found nothing to close, so close it here.
          if (!this.running) await this.driver.close?.();
          return;
        }
        this.listening = true;
      }
      if (!this.listening && this.settings.callback) {
        const callback = this.settings.callback;
        this.allowed = await this.resolvePhone();
        if (generation !== this.generation) return;
        try {
          await this.listeners.add(callback.listen, callback.port, this.secret, {
            allowedAddresses: this.allowed,
            handle: (rest) => this.handleEventUrl(rest),
            logger: this.logger,
          });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? String(error);
          throw new PhoneProblem(
            'failed',
            `cannot listen for the phone's events on ${callback.listen}:${callback.port} (${code}): pick a free callback.port or an address of this computer for callback.listen`,
          );
        }
        if (generation !== this.generation) {
          await this.listeners.remove(callback.listen, callback.port, this.secret);
          return;
        }
        this.listening = true;
      }
      await this.driver.probe();
      if (generation !== this.generation) return;
      let provisioned = '';
      if (this.settings.provision && this.driver.provision) {
        try {
          await this.driver.provision(setupEntries(this.settings));
          provisioned = '; event URLs written to the phone';
        } catch (error) {
          provisioned = `; writing the event URLs failed (${error instanceof Error ? error.message : String(error)}), enter them by hand (callhook phone setup)`;
          this.logger.log('warn', 'provisioning the phone failed', { error: String(error) });
        }
        if (generation !== this.generation) return;
      }
      this.attempt = 0;
      const events = this.settings.callback ? `events at ${this.settings.callback.url}` : `uaCSTA session with ${cstaOf(this.settings).uri} up`;
      const detail = `watching the ${this.driver.vendor} phone at ${this.settings.url} as ${this.account}; ${events}${provisioned}`;
      if (this.hub.status.state !== 'ready' || this.hub.status.detail !== detail) this.hub.setStatus({ state: 'ready', detail });
      this.schedule(generation, jittered(this.healthMs, this.random));
    } catch (error) {
      if (generation !== this.generation) return;
      const problem = error instanceof PhoneProblem ? error : new PhoneProblem('failed', `the phone check failed: ${String(error)}`);
      const delay = retryDelayMs(this.attempt++, this.random);
      this.hub.setStatus({ state: problem.state, detail: `${problem.detail}; retrying in ${Math.max(1, Math.round(delay / 1000))} s` });
      this.logger.log('warn', `desk phone ${this.settings.id}: ${problem.detail}`);
      this.schedule(generation, delay);
    }
  }

  /** Where a driver with its own event channel delivers; a status change re-checks the phone now. */
  private sink(generation: number): PhoneEventSink {
    return {
      event: (event) =>
        this.safely('phone event', () => {
          if (this.running && generation === this.generation) this.handleEvent(event);
        }),
      statusChanged: () =>
        this.safely('phone status', () => {
          if (this.running && generation === this.generation) this.schedule(generation, 0);
        }),
    };
  }

  private schedule(generation: number, delayMs: number): void {
    this.clearTimer('retryTimer');
    this.retryTimer = this.clock.setTimeout(
      () =>
        this.safely('phone check', () => {
          this.retryTimer = null;
          if (generation === this.generation && this.running) void this.connect(generation);
        }),
      delayMs,
    );
  }

  private async resolvePhone(): Promise<Set<string>> {
    const host = new URL(this.settings.url).hostname.replace(/^\[|\]$/g, '');
    if (/^[\d.]+$/.test(host) || host.includes(':')) return new Set([host]);
    try {
      const resolve = this.deps.resolveHost ?? (async (name: string) => (await lookup(name, { all: true })).map((a) => a.address));
      return new Set(await resolve(host));
    } catch (error) {
      throw new PhoneProblem(
        'unregistered',
        `cannot resolve the phone's host name ${host} (${(error as NodeJS.ErrnoException).code ?? String(error)}): check url`,
      );
    }
  }

  private clearTimer(which: 'retryTimer' | 'pollTimer'): void {
    const timer = this[which];
    if (timer !== null) this.clock.clearTimeout(timer);
    this[which] = null;
  }

  private safely(what: string, body: () => void): void {
    try {
      body();
    } catch (error) {
      this.logger.log('error', `desk phone ${this.settings.id}: ${what} failed`, { error: String(error) });
    }
  }

  /** The line's settings, for its setup text. */
  get settingsForSetup(): DeskPhoneSettings {
    return this.settings;
  }

  /** The base of this line's event URLs (`<callback.url>/phone/<secret>`), for tests and setup. */
  get eventBase(): string {
    return eventBase(this.settings);
  }
}

/** `ms` ±20 %, drawn from `random`: lines started together do not probe their phones in step. */
function jittered(ms: number, random: Random): number {
  const bytes = new Uint8Array(1);
  random.fill(bytes);
  return Math.round(ms * (0.8 + (bytes[0]! / 255) * 0.4));
}

function ref(call: DeskCall): PhoneCallRef {
  return { phoneCallId: call.phoneCallId, direction: call.direction, state: call.state };
}
