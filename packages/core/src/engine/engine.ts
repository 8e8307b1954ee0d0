import type { Action } from '../actions.js';
import type { CallInput, CallState, Transition } from '../call/call-state.js';
import type { CallSnapshot } from '../call/snapshot.js';
import { toSnapshot } from '../call/to-snapshot.js';
import { Dispatcher, type DispatcherOptions } from '../dispatch/dispatcher.js';
import { CallhookError, isCallhookError, Refusal } from '../errors.js';
import { uuidV7 } from '../guid.js';
import type { InboundCommand } from '../inbound/inbound-command.js';
import type { LineEvent } from '../line/line-events.js';
import type { Clock, Journal, Line, Logger, Random, TimerHandle } from '../ports.js';
import type { DeliverySink } from '../dispatch/delivery-sink.js';
import type { LineEntry } from '../line/line-plugin.js';
import type { LineSettings } from '../line/line-settings.js';
import { silentLogger } from '../ports.js';
import type { LoadedSettings } from '../settings/load-settings.js';
import type { UtcOffset } from '../template/local-time.js';
import { resolveDialPlan, toPbxNumber, type ResolvedDialPlan } from '../dial/dial-plan.js';
import { dialStringOf, readDialTarget, type DialTarget } from '../dial/dial-target.js';
import { postdialSteps, type PostdialStep } from '../dial/postdial.js';
import { CallBook, type LineCall } from './call-book.js';
import { DialPolicy } from './dial-policy.js';
import type { EngineEvent } from './engine-event.js';
import { LineSet } from './line-set.js';
import { resolveCall } from './resolve-call.js';
import { deliveriesFor, type CallEventInput } from './slot-deliveries.js';
import type { PendingDelivery } from '../dispatch/delivery.js';

/**
 * Deliveries an add-on makes for every call event besides the Action URL slots' (e.g. one MQTT
 * message per event when `mqtt` is configured), from the settings in force at that event. They go
 * through the dispatcher and the journal's outbox like a slot's; their `slot` number must be one no
 * Action URL slot has, so their lane (in-order per call) and delivery ids stay their own.
 */
export type EventDeliveries = (settings: LoadedSettings, event: CallEventInput) => PendingDelivery[];

export interface EngineDeps {
  /** The lines, in the order of `settings.lines` (the first takes `make_call` without `line=`). */
  lines: readonly LineEntry[];
  clock: Clock;
  random: Random;
  /** Where deliveries go, one per mode (`standardSinks` gives http and browser). */
  sinks: readonly DeliverySink[];
  settings: LoadedSettings;
  journal?: Journal;
  logger?: Logger;
  utcOffset?: UtcOffset;
  historyLimit?: number;
  /** The dispatcher's in-memory bound (`DispatcherOptions.maxQueued`); what does not fit waits in the outbox. */
  maxQueuedDeliveries?: number;
  /** Deliveries add-ons make per call event besides the slots' (see `EventDeliveries`). */
  eventDeliveries?: readonly EventDeliveries[];
  /** Further `DispatcherOptions` (per-origin limits, concurrency, resume page size). */
  dispatcher?: Pick<DispatcherOptions, 'maxQueuedPerOrigin' | 'concurrency' | 'concurrencyPerOrigin' | 'resumePageSize'>;
}

export interface CommandResult {
  action: InboundCommand['action'];
  call: CallSnapshot | null;
}

/**
 * Joins the lines (a `LineSet`: one engine, one dispatcher, one journal for all of them; call GUIDs
 * are unique across lines), the call model, the Action URL slots and the dispatcher. Line events become call
 * transitions; each transition's action fires the matching slots; commands (inbound Action URLs,
 * console) are resolved to a call and sent to the line.
 */
export class Engine {
  readonly dispatcher: Dispatcher;
  private readonly book: CallBook;
  /** One dial policy per line (its dial plan); the deny list and duplicate window are the same for all. */
  private readonly policies = new Map<string, DialPolicy>();
  readonly lines: LineSet;
  private readonly unsubscribes = new Map<string, () => void>();
  private started = false;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly sequences = new Map<string, number>();
  private settingsLoaded: LoadedSettings;
  private readonly logger: Logger;
  /** Postdial DTMF waiting for its call to connect, by call GUID; then the pending timer. */
  private readonly postdial = new Map<string, { steps: PostdialStep[]; started: boolean; timer: TimerHandle | null }>();

  constructor(private readonly deps: EngineDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.settingsLoaded = deps.settings;
    this.book = new CallBook(deps.historyLimit);
    this.lines = new LineSet(deps.lines);
    this.dispatcher = new Dispatcher({
      sinks: deps.sinks,
      clock: deps.clock,
      random: deps.random,
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

  /** Subscribes to the lines, resumes deliveries left in the outbox, and starts the lines in order. */
  async start(): Promise<void> {
    for (const { id, line } of this.lines.entries()) this.subscribe(id, line);
    this.started = true;
    await this.dispatcher.resume();
    const { queued, inFlight } = this.dispatcher.stats();
    const more = this.dispatcher.hasParked() ? ' (the rest is read as room frees)' : '';
    if (queued + inFlight > 0) this.logger.log('info', `resuming ${queued + inFlight} deliveries left in the outbox${more}`);
    for (const { line } of this.lines.entries()) await line.start();
  }

  /**
   * Stops every line, waits for deliveries, then halts the dispatcher: what did not go out (in
   * flight, in a retry's back-off, parked) stays in the outbox for the next start, and no timer of
   * its own keeps the process alive. `drainMs` bounds the whole stop: the lines (stopped together)
   * get at most that long (a line that does not stop in time is left behind with a warning), the
   * drain what remains. True if all went out; a line whose stop failed is rethrown after the drain.
   */
  async stop(drainMs = 5_000): Promise<boolean> {
    const { clock } = this.deps;
    const deadline = clock.now() + drainMs;
    this.started = false;
    let stopped: PromiseSettledResult<boolean>[];
    try {
      stopped = await Promise.allSettled(
        this.lines.entries().map(async ({ id, line }) => {
          const inTime = await this.within(line.stop(), Math.max(0, deadline - clock.now()));
          if (!inTime) this.logger.log('warn', `the line "${id}" did not stop within ${drainMs} ms; draining deliveries without waiting for it`, { line: id });
          return inTime;
        }),
      );
    } finally {
      for (const unsubscribe of this.unsubscribes.values()) unsubscribe();
      this.unsubscribes.clear();
    }
    const drained = await this.dispatcher.drain(Math.max(0, deadline - clock.now()));
    this.dispatcher.halt();
    const failed = stopped.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return drained;
  }

  /** Adds a line while running (a line added to the settings): subscribed, then started. */
  async addLine(id: string, line: Line): Promise<void> {
    this.lines.add(id, line);
    if (!this.started) return;
    this.subscribe(id, line);
    await line.start();
    this.emit({ type: 'line', lineId: id, status: line.status() });
  }

  /** Removes a line while running: stopped first (its calls end and fire their Action URLs), then forgotten. */
  async removeLine(id: string): Promise<void> {
    const line = this.lines.require(id);
    try {
      await line.stop();
    } finally {
      this.unsubscribes.get(id)?.();
      this.unsubscribes.delete(id);
      this.lines.remove(id);
      this.policies.delete(id);
    }
  }

  /**
   * Puts a new line in the place of line `id` while running (settings its plugin cannot take live):
   * the old line is stopped (its calls end first), the new one subscribed and started.
   */
  async replaceLine(id: string, line: Line): Promise<void> {
    const old = this.lines.require(id);
    try {
      await old.stop();
    } finally {
      this.unsubscribes.get(id)?.();
      this.unsubscribes.delete(id);
      this.lines.replace(id, line);
      this.policies.delete(id);
    }
    if (!this.started) return;
    this.subscribe(id, line);
    await line.start();
    this.emit({ type: 'line', lineId: id, status: line.status() });
  }

  private subscribe(id: string, line: Line): void {
    this.unsubscribes.set(
      id,
      line.onEvent((event) => this.onLineEvent(id, event)),
    );
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
    const { inbound } = loaded.settings;
    for (const [id, policy] of this.policies) policy.update(inbound.denyPrefixes, inbound.duplicateWindowMs, dialPlanOf(this.lineSettings(id)));
  }

  /** The settings of line `id`, or null for a line the settings do not list (a test's or a replaced one). */
  lineSettings(id: string): LineSettings | null {
    return this.settingsLoaded.settings.lines.find((line) => line.id === id) ?? null;
  }

  private policyOf(lineId: string): DialPolicy {
    let policy = this.policies.get(lineId);
    if (!policy) {
      const { inbound } = this.settingsLoaded.settings;
      policy = new DialPolicy(inbound.denyPrefixes, inbound.duplicateWindowMs, dialPlanOf(this.lineSettings(lineId)));
      this.policies.set(lineId, policy);
    }
    return policy;
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

  /** The active call line `lineId` knows by `lineCallId` (a simulator or adapter talking to its own line). */
  callOnLine(lineCallId: string, lineId: string = this.lines.first().id): CallSnapshot | undefined {
    const guid = this.book.guidOf(lineId, lineCallId);
    return guid === undefined ? undefined : this.call(guid);
  }

  /** The line's own id of an active call. */
  lineCallIdOf(guid: string): string | undefined {
    return this.book.lineCallOf(guid)?.lineCallId;
  }

  /** The line and the line's own id of an active call. */
  lineCallOf(guid: string): LineCall | undefined {
    return this.book.lineCallOf(guid);
  }

  /**
   * Carries out a command. The caller checks that the action is enabled. `make_call` goes out on
   * `command.line` or else the first line; the other commands act on the call they name (on its line)
   * or the only call that fits, on `command.line` when given (`ambiguous_call` lists the candidates
   * with their lines). An unknown `line` is `no_such_line`.
   */
  async execute(command: InboundCommand): Promise<CommandResult> {
    const named = command.line ?? null;
    if (named !== null) this.lines.require(named);
    // Every command that makes a call leave carries a target; each passes the deny list.
    const dialled = 'target' in command ? this.dialTarget(command.target) : null;
    if (command.action === 'make_call') {
      const lineId = named ?? this.defaultLineId();
      const line = this.readyLine(lineId);
      const policy = this.policyOf(lineId);
      policy.checkDenied(dialled!);
      policy.check(dialled!, command.force, this.deps.clock.now());
      const callId = uuidV7(this.deps.clock, this.deps.random);
      const steps = postdialSteps(dialled!.postdial);
      if (steps.length > 0) this.postdial.set(callId, { steps, started: false, timer: null });
      try {
        await line.execute({ type: 'make_call', callId, target: this.lineTarget(dialled!, lineId) });
      } catch (error) {
        this.dropPostdial(callId);
        throw error;
      }
      return { action: command.action, call: this.call(callId) ?? null };
    }
    if (dialled && dialled.postdial !== '') {
      throw new CallhookError(
        'invalid_target',
        `target of ${command.action} has postdial DTMF (${dialled.postdial}), which cannot follow a transfer; remove it`,
        {
          field: 'target',
        },
      );
    }
    // A command naming its call looks it up by GUID; only one without is matched against the active calls.
    const active = command.call !== null ? [] : this.book.activeCalls().filter((call) => named === null || call.lineId === named);
    const call = resolveCall(command, active, (guid) => this.book.get(guid));
    const { lineId, lineCallId } = this.book.lineCallOf(call.guid)!;
    const line = this.readyLine(lineId);
    if (dialled) this.policyOf(lineId).checkDenied(dialled);
    if (command.action === 'answer' && (this.lineSettings(lineId)?.callWaiting ?? 'hold') === 'hold') await this.holdConnectedCalls(call.guid, lineId);
    switch (command.action) {
      case 'transfer':
        await line.execute({ type: 'transfer', lineCallId, target: this.lineTarget(dialled!, lineId) });
        break;
      case 'dtmf':
        await line.execute({ type: 'dtmf', lineCallId, digits: command.digits });
        break;
      default:
        await line.execute({ type: command.action, lineCallId });
    }
    return { action: command.action, call: this.call(call.guid) ?? null };
  }

  /** The line `make_call` uses without `line=`: the first line of the settings that runs, else the first that runs. */
  private defaultLineId(): string {
    const listed = this.settingsLoaded.settings.lines.find((line) => this.lines.get(line.id));
    return listed?.id ?? this.lines.first().id;
  }

  /** Line `lineId`, when it is ready; else `line_not_ready` naming the line and its state. */
  private readyLine(lineId: string): Line {
    const line = this.lines.require(lineId);
    const status = line.status();
    if (status.state !== 'ready') {
      const which = this.lines.size > 1 ? `line "${lineId}"` : 'the line';
      throw new CallhookError('line_not_ready', `${which} is ${status.state}: ${status.detail}`, { line: lineId });
    }
    return line;
  }

  /**
   * Call waiting: before a second call is answered, every other connected call on the same line is
   * put on hold, as a desk phone does. A hold the line refuses is logged and the answer goes ahead:
   * the new caller must not be left ringing because of the old call.
   */
  private async holdConnectedCalls(answering: string, lineId: string): Promise<void> {
    const line = this.lines.require(lineId);
    for (const other of this.book.activeCalls()) {
      if (other.guid === answering || other.phase !== 'connected' || other.lineId !== lineId) continue;
      const lineCall = this.book.lineCallOf(other.guid);
      if (lineCall === undefined) continue;
      try {
        await line.execute({ type: 'hold', lineCallId: lineCall.lineCallId });
      } catch (error) {
        this.logger.log(
          'warn',
          `call waiting: could not hold call ${other.guid} before answering ${answering}: ${error instanceof Error ? error.message : String(error)}`,
        );
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
  private lineTarget(target: DialTarget, lineId: string): string {
    const plan = dialPlanOf(this.lineSettings(lineId));
    if (target.kind === 'number' && plan && target.number.startsWith('+')) {
      return target.serviceCodes + toPbxNumber(target.number, plan);
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
      const lineCall = this.book.lineCallOf(guid);
      const line = lineCall && this.lines.get(lineCall.lineId);
      if (lineCall === undefined || line === undefined) return this.dropPostdial(guid);
      line.execute({ type: 'dtmf', lineCallId: lineCall.lineCallId, digits: step.digits }).then(
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

  private onLineEvent(lineId: string, event: LineEvent): void {
    try {
      this.handleLineEvent(lineId, event);
    } catch (error) {
      // A line that reports something out of order must not take the engine (or itself) down.
      const level = isCallhookError(error) ? 'warn' : 'error';
      this.logger.log(level, `line event ignored: ${error instanceof Error ? error.message : String(error)}`, { line: lineId, event: event.type });
    }
  }

  private handleLineEvent(lineId: string, event: LineEvent): void {
    const at = this.deps.clock.now();
    if (event.type === 'status') {
      this.emit({ type: 'line', lineId, status: event.status });
      return;
    }
    if (event.type === 'incoming' || event.type === 'outgoing') {
      if (this.book.has(lineId, event.lineCallId)) {
        this.logger.log('warn', `line event ignored: line "${lineId}" reported call ${event.lineCallId} again`, { line: lineId, event: event.type });
        return;
      }
      const inbound = event.type === 'incoming';
      const guid = inbound ? uuidV7(this.deps.clock, this.deps.random) : event.lineCallId;
      if (this.book.get(guid)) {
        this.logger.log('warn', `line event ignored: line "${lineId}" reported an outgoing call under the GUID of a known call ${guid}`, { line: lineId });
        return;
      }
      const result = this.book.create(event.lineCallId, {
        guid,
        lineId,
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
    if (event.type === 'quality') {
      const result = this.book.apply(lineId, event.lineCallId, { type: 'quality', at, quality: event.quality });
      if (!result) {
        this.logger.log('debug', 'line event for an unknown call', { line: lineId, event: event.type, lineCallId: event.lineCallId });
        return;
      }
      // No effect, no Action URL, no journal row (the journal keeps the final snapshot at `ended`): live views only.
      this.emit({ type: 'quality', call: toSnapshot(result.state), at });
      return;
    }
    const input: CallInput =
      event.type === 'ended'
        ? { type: 'ended', at, by: event.by, cause: event.cause, detail: event.detail, ...(event.media ? { media: event.media } : {}) }
        : event.type === 'held' || event.type === 'resumed'
          ? { type: event.type, at, by: event.by }
          : { type: event.type, at };
    const result = this.book.apply(lineId, event.lineCallId, input);
    if (!result) {
      this.logger.log('debug', 'line event for an unknown call', { line: lineId, event: event.type, lineCallId: event.lineCallId });
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
    const event = { action, call, at, sequence };
    for (const delivery of deliveriesFor(this.settingsLoaded, event, this.deps.utcOffset)) {
      this.dispatcher.submit(delivery);
    }
    for (const source of this.deps.eventDeliveries ?? []) {
      let extra: PendingDelivery[];
      try {
        extra = source(this.settingsLoaded, event);
      } catch (error) {
        // An add-on that cannot build its deliveries must not cost the slots theirs (nor the line its event).
        this.logger.log('error', `event deliveries of an add-on failed: ${error instanceof Error ? error.message : String(error)}`, { call: call.guid });
        continue;
      }
      for (const delivery of extra) this.dispatcher.submit(delivery);
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

/** The resolved dial plan of a line's settings, or null when there is none. */
function dialPlanOf(settings: LineSettings | null): ResolvedDialPlan | null {
  const plan = settings?.dialPlan;
  return plan ? resolveDialPlan(plan) : null;
}
