import { readLineTarget } from '../dial/line-target.js';
import { CallhookError } from '../errors.js';
import { silentLogger, type Clock, type Line, type Logger, type TimerHandle } from '../ports.js';
import { LineEventHub } from './line-event-hub.js';
import type { EndCause, LineCommand, LineEvent, LineStatus, Party } from './line-events.js';
import type { LineSettings } from './line-settings.js';

export interface SimulatedLineOptions {
  clock: Clock;
  localParty?: string;
  localName?: string | null;
  /** The simulated remote answers outgoing calls after this long; null leaves them ringing. */
  answerAfterMs?: number | null;
  /** Targets that answer busy (simulating a 486). */
  busyTargets?: readonly string[];
  /** Where a failing event listener is reported. */
  logger?: Logger;
}

type SimCall = { id: string; phase: 'ringing' | 'connected' | 'held'; direction: 'in' | 'out'; timer: TimerHandle | null };

/**
 * A telephone line without a network, for the demo and for tests of everything above the line.
 * The "remote side" is driven by methods (`incoming`, `remoteAnswer`, `remoteHangup`, …) and by
 * timers on the injected clock.
 */
export class SimulatedLine implements Line {
  readonly kind = 'simulator';
  private readonly events: LineEventHub;
  private readonly calls = new Map<string, SimCall>();
  private nextId = 1;
  readonly dtmfSent: { lineCallId: string; digits: string }[] = [];

  constructor(private options: SimulatedLineOptions) {
    const logger = options.logger ?? silentLogger;
    this.events = new LineEventHub((error, event) => logger.log('error', 'line event listener failed', { event: event.type, error: String(error) }));
  }

  private get localParty(): string {
    return this.options.localParty ?? 'sip:303@callhook.invalid';
  }

  async start(): Promise<void> {
    this.setStatus({ state: 'ready', detail: 'simulated line' });
  }

  async stop(): Promise<void> {
    for (const call of [...this.calls.values()]) this.end(call, 'local', 'normal');
    this.setStatus({ state: 'stopped', detail: 'stopped' });
  }

  /** Takes `localParty`, `displayName` and `answerAfterMs` of changed simulator settings; the next call uses them. */
  async applySettings(settings: LineSettings): Promise<void> {
    const next = { ...this.options };
    if (typeof settings.localParty === 'string') next.localParty = settings.localParty;
    if (settings.displayName === null || typeof settings.displayName === 'string') next.localName = settings.displayName;
    if (settings.answerAfterMs === null || typeof settings.answerAfterMs === 'number') next.answerAfterMs = settings.answerAfterMs;
    this.options = next;
  }

  status(): LineStatus {
    return this.events.status;
  }

  onEvent(listener: (event: LineEvent) => void): () => void {
    return this.events.subscribe(listener);
  }

  /** A call arrives from the simulated remote party; returns its line call id. */
  incoming(from: string, name: string | null = null): string {
    this.requireReady();
    const id = `sim-${this.nextId++}`;
    this.calls.set(id, { id, phase: 'ringing', direction: 'in', timer: null });
    this.emit({
      type: 'incoming',
      lineCallId: id,
      remoteParty: from,
      remoteName: name,
      localParty: this.localParty,
      localName: this.options.localName ?? null,
    });
    return id;
  }

  remoteAnswer(id: string): void {
    const call = this.find(id, ['ringing']);
    if (call.direction !== 'out') throw new CallhookError('wrong_call_state', `call ${id} is inbound: answer it locally`);
    this.connect(call);
  }

  remoteHangup(id: string, cause: EndCause = 'normal'): void {
    this.end(this.find(id, ['ringing', 'connected', 'held']), 'remote', cause);
  }

  remoteHold(id: string): void {
    this.find(id, ['connected']).phase = 'held';
    this.emit({ type: 'held', lineCallId: id, by: 'remote' });
  }

  remoteResume(id: string): void {
    this.find(id, ['held']).phase = 'connected';
    this.emit({ type: 'resumed', lineCallId: id, by: 'remote' });
  }

  callIds(): string[] {
    return [...this.calls.keys()];
  }

  async execute(command: LineCommand): Promise<void> {
    this.requireReady();
    switch (command.type) {
      case 'make_call':
        return this.dial(command.callId, command.target);
      case 'answer': {
        const call = this.find(command.lineCallId, ['ringing']);
        if (call.direction !== 'in') throw new CallhookError('wrong_call_state', `call ${call.id} is outbound`);
        return this.connect(call);
      }
      case 'hangup': {
        const call = this.find(command.lineCallId, ['ringing', 'connected', 'held']);
        const cause = call.phase === 'ringing' && call.direction === 'in' ? 'rejected' : 'normal';
        return this.end(call, 'local', cause);
      }
      case 'hold':
        this.find(command.lineCallId, ['connected']).phase = 'held';
        return this.emit({ type: 'held', lineCallId: command.lineCallId, by: 'local' });
      case 'unhold':
        this.find(command.lineCallId, ['held']).phase = 'connected';
        return this.emit({ type: 'resumed', lineCallId: command.lineCallId, by: 'local' });
      case 'transfer':
        readLineTarget(command.target);
        return this.end(this.find(command.lineCallId, ['connected', 'held']), 'local', 'transferred');
      case 'dtmf':
        this.find(command.lineCallId, ['connected']);
        this.dtmfSent.push({ lineCallId: command.lineCallId, digits: command.digits });
        return;
    }
  }

  private dial(id: string, target: string): void {
    // The same party for the same target as every other line: core's normaliser decides it.
    const { remoteParty } = readLineTarget(target);
    const call: SimCall = { id, phase: 'ringing', direction: 'out', timer: null };
    this.calls.set(id, call);
    this.emit({ type: 'outgoing', lineCallId: id, remoteParty, remoteName: null, localParty: this.localParty, localName: this.options.localName ?? null });
    this.emit({ type: 'alerting', lineCallId: id });
    if (this.options.busyTargets?.includes(target) || this.options.busyTargets?.includes(remoteParty)) {
      call.timer = this.options.clock.setTimeout(() => this.end(call, 'remote', 'busy'), 0);
      return;
    }
    const after = this.options.answerAfterMs === undefined ? 2_000 : this.options.answerAfterMs;
    if (after !== null) call.timer = this.options.clock.setTimeout(() => this.connect(call), after);
  }

  private connect(call: SimCall): void {
    this.clearTimer(call);
    call.phase = 'connected';
    this.emit({ type: 'answered', lineCallId: call.id });
  }

  private end(call: SimCall, by: Party, cause: EndCause): void {
    this.clearTimer(call);
    this.calls.delete(call.id);
    this.emit({ type: 'ended', lineCallId: call.id, by, cause });
  }

  private clearTimer(call: SimCall): void {
    if (call.timer !== null) this.options.clock.clearTimeout(call.timer);
    call.timer = null;
  }

  private find(id: string, phases: SimCall['phase'][]): SimCall {
    const call = this.calls.get(id);
    if (!call) throw new CallhookError('no_such_call', `no simulated call ${id}`);
    if (!phases.includes(call.phase)) {
      throw new CallhookError('wrong_call_state', `simulated call ${id} is ${call.phase}, not ${phases.join(' or ')}`);
    }
    return call;
  }

  private requireReady(): void {
    const { state } = this.events.status;
    if (state !== 'ready') throw new CallhookError('line_not_ready', `the simulated line is ${state}`);
  }

  private setStatus(status: LineStatus): void {
    this.events.setStatus(status);
  }

  private emit(event: LineEvent): void {
    this.events.emit(event);
  }
}
