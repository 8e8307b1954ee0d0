import type { Action } from '../actions.js';
import type { CallInput, CallState, Transition } from '../call/call-state.js';
import type { CallSnapshot } from '../call/snapshot.js';
import { toSnapshot } from '../call/to-snapshot.js';
import { Dispatcher, type DispatcherOptions } from '../dispatch/dispatcher.js';
import { CallhookError, isCallhookError, Refusal } from '../errors.js';
import { uuidV7 } from '../guid.js';
import type { InboundCommand } from '../inbound/inbound-command.js';
import type { LineEvent } from '../line/line-events.js';
import type { BrowserOpener, Clock, Fetcher, Journal, Line, Logger, Random, TimerHandle } from '../ports.js';
import { silentLogger } from '../ports.js';
import type { LoadedSettings } from '../settings/load-settings.js';
import type { UtcOffset } from '../template/local-time.js';
import { resolveDialPlan, toPbxNumber, type ResolvedDialPlan } from '../dial/dial-plan.js';
import { dialStringOf, readDialTarget, type DialTarget } from '../dial/dial-target.js';
import { postdialSteps, type PostdialStep } from '../dial/postdial.js';
import type { Settings } from '../settings/settings-schema.js';
import { CallBook } from './call-book.js';
import { DialPolicy } from './dial-policy.js';
import type { EngineEvent } from './engine-event.js';
import { resolveCall } from './resolve-call.js';
import { deliveriesFor } from './slot-deliveries.js';

export interface EngineDeps {
  line: Line;
  clock: Clock;
  random: Random;
  fetcher: Fetcher;
  browser: BrowserOpener;
  settings: LoadedSettings;
  journal?: Journal;
  logger?: Logger;
  utcOffset?: UtcOffset;
  historyLimit?: number;
  /** The dispatcher's in-memory bound (`DispatcherOptions.maxQueued`); what does not fit waits in the outbox. */
  maxQueuedDeliveries?: number;
  /** Further `DispatcherOptions` (per-origin limits, concurrency, resume page size). */
  dispatcher?: Pick<DispatcherOptions, 'maxQueuedPerOrigin' | 'concurrency' | 'concurrencyPerOrigin' | 'resumePageSize'>;
}

export interface CommandResult {
  action: InboundCommand['action'];
  call: CallSnapshot | null;
}

/**
 * Joins a line, the call model, the Action URL slots and the dispatcher. Line events become call
 * transitions; each transition's action fires the matching slots; commands (inbound Action URLs,
 * console) are resolved to a call and sent to the line.
 */
export class Engine {
  readonly dispatcher: Dispatcher;
  private readonly book: CallBook;
  private readonly policy: DialPolicy;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly sequences = new Map<string, number>();
  private settingsLoaded: LoadedSettings;
  private unsubscribe: (() => void) | null = null;
  private readonly logger: Logger;
  /** Postdial DTMF waiting for its call to connect, by call GUID; then the pending timer. */
  private readonly postdial = new Map<string, { steps: PostdialStep[]; started: boolean; timer: TimerHandle | null }>();
  private dialPlan: ResolvedDialPlan | null;

  constructor(private readonly deps: EngineDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.settingsLoaded = deps.settings;
    this.book = new CallBook(deps.historyLimit);
    const { inbound } = deps.settings.settings;
    this.dialPlan = dialPlanOf(deps.settings.settings);
    this.policy = new DialPolicy(inbound.denyPrefixes, inbound.duplicateWindowMs, this.dialPlan);
    this.dispatcher = new Dispatcher({
      fetcher: deps.fetcher,
      browser: deps.browser,
      clock: deps.clock,
      journal: deps.journal,
      logger: this.logger,
      maxQueued: deps.maxQueuedDeliveries,
      ...deps.dispatcher,
    });
    this.dispatcher.onRecord((record) => this.emit({ type: 'delivery', record }));
  }

  get settings(): LoadedSettings {
    return this.settingsLoaded;
  }

  get line(): Line {
    return this.deps.line;
  }

  /** Subscribes to the line, resumes deliveries left in the outbox, and starts the line. */
  async start(): Promise<void> {
    this.unsubscribe = this.deps.line.onEvent((event) => this.onLineEvent(event));
    await this.dispatcher.resume();
    const { queued, inFlight } = this.dispatcher.stats();
    const more = this.dispatcher.hasParked() ? ' (the rest is read as room frees)' : '';
    if (queued + inFlight > 0) this.logger.log('info', `resuming ${queued + inFlight} deliveries left in the outbox${more}`);
    await this.deps.line.start();
  }

  /**
   * Stops the line, waits for deliveries, then halts the dispatcher: what did not go out (in
   * flight, in a retry's back-off, parked) stays in the outbox for the next start, and no timer of
   * its own keeps the process alive. `drainMs` bounds the whole stop: the line gets at most that
   * long (a line that does not stop in time is left behind with a warning), the drain what remains.
   * True if all went out.
   */
  async stop(drainMs = 5_000): Promise<boolean> {
    const { clock } = this.deps;
    const deadline = clock.now() + drainMs;
    try {
      if (!(await this.within(this.deps.line.stop(), drainMs))) {
        this.logger.log('warn', `the line did not stop within ${drainMs} ms; draining deliveries without waiting for it`);
      }
    } finally {
      this.unsubscribe?.();
      this.unsubscribe = null;
    }
    const drained = await this.dispatcher.drain(Math.max(0, deadline - clock.now()));
    this.dispatcher.halt();
    return drained;
  }

  /** True when `work` settled within `ms`, false when the time ran out first; rethrows its error. */
  private within(work: Promise<void>, ms: number): Promise<boolean> {
    const { clock } = this.deps;
    return new Promise((resolve, reject) => {
      const timer = clock.setTimeout(() => resolve(false), ms);
      work.then(
        () => {
          clock.clearTimeout(timer);
          resolve(true);
        },
        (error: unknown) => {
          clock.clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** Applies new settings live: later call events use the new slots and inbound policy. */
  applySettings(loaded: LoadedSettings): void {
    this.settingsLoaded = loaded;
    this.dialPlan = dialPlanOf(loaded.settings);
    this.policy.update(loaded.settings.inbound.denyPrefixes, loaded.settings.inbound.duplicateWindowMs, this.dialPlan);
  }

  on(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  activeCalls(): CallSnapshot[] {
    return this.book.activeCalls().map(toSnapshot);
  }

  recentCalls(): CallSnapshot[] {
    return this.book.recentCalls().map(toSnapshot);
  }

  call(guid: string): CallSnapshot | undefined {
    const state = this.book.get(guid);
    return state && toSnapshot(state);
  }

  /** The active call the line knows by `lineCallId` (a simulator or adapter talking to its own line). */
  callOnLine(lineCallId: string): CallSnapshot | undefined {
    const guid = this.book.guidOf(lineCallId);
    return guid === undefined ? undefined : this.call(guid);
  }

  /** The line's own id of an active call. */
  lineCallIdOf(guid: string): string | undefined {
    return this.book.lineIdOf(guid);
  }

  /** Carries out a command. The caller checks that the action is enabled. */
  async execute(command: InboundCommand): Promise<CommandResult> {
    const line = this.deps.line;
    if (line.status().state !== 'ready') {
      throw new CallhookError('line_not_ready', `the line is ${line.status().state}: ${line.status().detail}`);
    }
    // Every command that makes a call leave carries a target; each passes the deny list.
    const dialled = 'target' in command ? this.dialTarget(command.target) : null;
    if (dialled) this.policy.checkDenied(dialled);
    if (command.action === 'make_call') {
      this.policy.check(dialled!, command.force, this.deps.clock.now());
      const callId = uuidV7(this.deps.clock, this.deps.random);
      const steps = postdialSteps(dialled!.postdial);
      if (steps.length > 0) this.postdial.set(callId, { steps, started: false, timer: null });
      try {
        await line.execute({ type: 'make_call', callId, target: this.lineTarget(dialled!) });
      } catch (error) {
        this.dropPostdial(callId);
        throw error;
      }
      return { action: command.action, call: this.call(callId) ?? null };
    }
    if (dialled && dialled.postdial !== '') {
      throw new CallhookError('invalid_target', `target of ${command.action} has postdial DTMF (${dialled.postdial}), which cannot follow a transfer; remove it`, {
        field: 'target',
      });
    }
    const call = resolveCall(command, this.book.activeCalls(), (guid) => this.book.get(guid));
    const lineCallId = this.book.lineIdOf(call.guid)!;
    if (command.action === 'answer' && this.settingsLoaded.settings.line.callWaiting === 'hold') await this.holdConnectedCalls(call.guid);
    switch (command.action) {
      case 'transfer':
        await line.execute({ type: 'transfer', lineCallId, target: this.lineTarget(dialled!) });
        break;
      case 'dtmf':
        await line.execute({ type: 'dtmf', lineCallId, digits: command.digits });
        break;
      default:
        await line.execute({ type: command.action, lineCallId });
    }
    return { action: command.action, call: this.call(call.guid) ?? null };
  }

  /**
   * Call waiting: before a second call is answered, every other connected call is put on hold, as a
   * desk phone does. A hold the line refuses is logged and the answer goes ahead: the new caller
   * must not be left ringing because of the old call.
   */
  private async holdConnectedCalls(answering: string): Promise<void> {
    for (const other of this.book.activeCalls()) {
      if (other.guid === answering || other.phase !== 'connected') continue;
      const lineCallId = this.book.lineIdOf(other.guid);
      if (lineCallId === undefined) continue;
      try {
        await this.deps.line.execute({ type: 'hold', lineCallId });
      } catch (error) {
        this.logger.log('warn', `call waiting: could not hold call ${other.guid} before answering ${answering}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** The normalised target of a command (commands built elsewhere than the inbound parser are normalised here too). */
  private dialTarget(target: string): DialTarget {
    const read = readDialTarget(target);
    if (read instanceof Refusal) throw read.toError();
    return read;
  }

  /** What the line dials: the target without postdial, an E.164 number in the dial plan's form. */
  private lineTarget(target: DialTarget): string {
    if (target.kind === 'number' && this.dialPlan && target.number.startsWith('+')) {
      return target.serviceCodes + toPbxNumber(target.number, this.dialPlan);
    }
    return dialStringOf(target);
  }

  /** Sends the next run of postdial DTMF for `guid` after its pause; the rest follows run by run. */
  private sendPostdial(guid: string): void {
    const pending = this.postdial.get(guid);
    const step = pending?.steps.shift();
    if (!pending || !step) {
      this.postdial.delete(guid);
      return;
    }
    pending.timer = this.deps.clock.setTimeout(() => {
      pending.timer = null;
      const lineCallId = this.book.lineIdOf(guid);
      if (lineCallId === undefined) return this.dropPostdial(guid);
      this.deps.line.execute({ type: 'dtmf', lineCallId, digits: step.digits }).then(
        () => this.sendPostdial(guid),
        (error: unknown) => {
          this.logger.log('warn', `postdial DTMF not sent: ${error instanceof Error ? error.message : String(error)}`, { call: guid });
          this.dropPostdial(guid);
        },
      );
    }, step.delayMs);
  }

  private dropPostdial(guid: string): void {
    const pending = this.postdial.get(guid);
    if (pending?.timer != null) this.deps.clock.clearTimeout(pending.timer);
    this.postdial.delete(guid);
  }

  private onLineEvent(event: LineEvent): void {
    try {
      this.handleLineEvent(event);
    } catch (error) {
      // A line that reports something out of order must not take the engine (or itself) down.
      const level = isCallhookError(error) ? 'warn' : 'error';
      this.logger.log(level, `line event ignored: ${error instanceof Error ? error.message : String(error)}`, { event: event.type });
    }
  }

  private handleLineEvent(event: LineEvent): void {
    const at = this.deps.clock.now();
    if (event.type === 'status') {
      this.emit({ type: 'line', status: event.status });
      return;
    }
    if (event.type === 'incoming' || event.type === 'outgoing') {
      const inbound = event.type === 'incoming';
      const guid = inbound ? uuidV7(this.deps.clock, this.deps.random) : event.lineCallId;
      const result = this.book.create(event.lineCallId, {
        guid,
        direction: inbound ? 'inbound' : 'outbound',
        at,
        localParty: event.localParty,
        localName: event.localName,
        remoteParty: event.remoteParty,
        remoteName: event.remoteName,
      });
      this.afterTransition(result, at);
      return;
    }
    const input: CallInput = event.type === 'ended'
      ? { type: 'ended', at, by: event.by, cause: event.cause, detail: event.detail }
      : event.type === 'held' || event.type === 'resumed'
        ? { type: event.type, at, by: event.by }
        : { type: event.type, at };
    const result = this.book.apply(event.lineCallId, input);
    if (!result) {
      this.logger.log('debug', 'line event for an unknown call', { event: event.type, lineCallId: event.lineCallId });
      return;
    }
    this.afterTransition(result, at);
  }

  private afterTransition(result: Transition, at: number): void {
    const call = toSnapshot(result.state);
    for (const effect of result.effects) this.fire(effect.action, call, result.state, at);
    const postdial = this.postdial.get(call.guid);
    if (result.state.phase === 'connected' && postdial && !postdial.started) {
      postdial.started = true;
      this.sendPostdial(call.guid);
    }
    if (result.state.phase === 'ended') {
      this.dropPostdial(call.guid);
      this.deps.journal?.recordCall(call);
      this.sequences.delete(call.guid);
    }
  }

  private fire(action: Action, call: CallSnapshot, state: CallState, at: number): void {
    const sequence = (this.sequences.get(state.guid) ?? 0) + 1;
    this.sequences.set(state.guid, sequence);
    this.emit({ type: 'call', action, call, at });
    for (const delivery of deliveriesFor(this.settingsLoaded, { action, call, at, sequence }, this.deps.utcOffset)) {
      this.dispatcher.submit(delivery);
    }
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.log('error', 'engine listener failed', { error: String(error) });
      }
    }
  }
}

/** The resolved dial plan of the line settings, or null when there is none. */
function dialPlanOf(settings: Settings): ResolvedDialPlan | null {
  const plan = settings.line.dialPlan;
  return plan ? resolveDialPlan(plan) : null;
}
