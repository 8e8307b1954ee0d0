/**
 * The line conformance suite: the `Line` contract (see `Line` in ports.ts) as runnable cases, for
 * every line plugin to run against its own line and a driver of the remote side (the simulator's
 * methods, sipp for the SIP line). Framework-free: each case is an async function that throws an
 * Error saying what broke; a test file turns them into tests (`for (const c of cases) it(c.name, c.run)`).
 */
import { isCallhookError } from '../errors.js';
import type { LineEvent } from '../line/line-events.js';
import type { Line } from '../ports.js';

/** The remote side of a line under test, as scripted per case. */
export interface RemoteDriver {
  /**
   * Arms the remote to take our next call: it rings and answers, accepts one hold and one resume
   * re-offer when `reoffers`, then hangs up itself after `hangUpAfterMs` or, with null, waits for
   * our hangup. Returns the target to dial.
   */
  expectCall(script: { hangUpAfterMs: number | null; reoffers?: boolean }): Promise<string>;
  /** The remote calls the line; once answered it hangs up itself after `hangUpAfterMs`. Returns the party it calls as. */
  callIn(script: { hangUpAfterMs: number }): Promise<{ remoteParty: string }>;
  /** Resolves once the remote's script ran as written; throws with its log otherwise. */
  finished(): Promise<void>;
}

/** One line under test with its remote; `close` stops both (also after a failure). */
export interface LineUnderTest {
  line: Line;
  remote: RemoteDriver;
  close(): Promise<void>;
}

export interface ConformanceOptions {
  /** Real or fake time: the suite waits in steps of it. */
  sleep(ms: number): Promise<void>;
  /** How long to wait for an event the line owes (default 10 s). */
  timeoutMs?: number;
  /** How long to watch for events that must not come after `ended` (default 300 ms). */
  quietMs?: number;
}

export interface ConformanceCase {
  name: string;
  run(): Promise<void>;
}

type CallEvent = Exclude<LineEvent, { type: 'status' }>;

/**
 * Breaks of the event rules in `events` (all calls of one line, in order), one line each; empty
 * when they keep the contract: first `incoming`/`outgoing`, `alerting` only before `answered`,
 * `answered` at most once, `held`/`resumed` alternating only while answered, `quality` only while
 * answered, exactly one `ended`
 * (when `complete`) and nothing after it.
 */
export function lineEventProblems(events: readonly LineEvent[], complete = true): string[] {
  const problems: string[] = [];
  const calls = new Map<string, { answered: boolean; held: boolean; ended: boolean }>();
  for (const event of events) {
    if (event.type === 'status') continue;
    const id = event.lineCallId;
    const call = calls.get(id);
    if (event.type === 'incoming' || event.type === 'outgoing') {
      if (call) problems.push(`call ${id}: "${event.type}" again (a line call id is never reused)`);
      else calls.set(id, { answered: false, held: false, ended: false });
      continue;
    }
    if (!call) {
      problems.push(`call ${id}: "${event.type}" before "incoming"/"outgoing"`);
      continue;
    }
    if (call.ended) {
      problems.push(`call ${id}: "${event.type}" after "ended"`);
      continue;
    }
    switch (event.type) {
      case 'alerting':
        if (call.answered) problems.push(`call ${id}: "alerting" after "answered"`);
        break;
      case 'answered':
        if (call.answered) problems.push(`call ${id}: "answered" twice`);
        call.answered = true;
        break;
      case 'held':
      case 'resumed':
        if (!call.answered) problems.push(`call ${id}: "${event.type}" before "answered"`);
        else if (call.held === (event.type === 'held')) problems.push(`call ${id}: "${event.type}" while ${call.held ? 'held' : 'not held'}`);
        call.held = event.type === 'held';
        break;
      case 'quality':
        if (!call.answered) problems.push(`call ${id}: "quality" before "answered"`);
        break;
      case 'ended':
        call.ended = true;
        break;
    }
  }
  if (complete) for (const [id, call] of calls) if (!call.ended) problems.push(`call ${id}: no "ended"`);
  return problems;
}

/** Records a line's events and waits for them. */
class Recorder {
  readonly events: LineEvent[] = [];
  private readonly off: () => void;

  constructor(
    line: Line,
    private readonly options: Required<ConformanceOptions>,
  ) {
    this.off = line.onEvent((event) => this.events.push(event));
  }

  of(type: CallEvent['type'], lineCallId?: string): CallEvent[] {
    return this.events.filter((e): e is CallEvent => e.type === type && (lineCallId === undefined || e.lineCallId === lineCallId));
  }

  async waitFor(type: CallEvent['type'], lineCallId?: string): Promise<CallEvent> {
    for (let waited = 0; ; waited += 20) {
      const found = this.of(type, lineCallId)[0];
      if (found) return found;
      if (waited >= this.options.timeoutMs) throw new Error(`no "${type}" event within ${this.options.timeoutMs} ms; got ${this.describe()}`);
      await this.options.sleep(20);
    }
  }

  describe(): string {
    return this.events.map((e) => (e.type === 'status' ? `status:${e.status.state}` : `${e.type}:${e.lineCallId}`)).join(', ') || 'nothing';
  }

  close(): void {
    this.off();
  }
}

function expectKept(recorder: Recorder, complete = true): void {
  const problems = lineEventProblems(recorder.events, complete);
  if (problems.length > 0) throw new Error(`the line broke its event rules:\n  ${problems.join('\n  ')}\nevents: ${recorder.describe()}`);
}

/**
 * The cases of the `Line` contract for lines made by `factory` (a fresh line, not started, and its
 * remote per case).
 */
export function lineConformanceCases(factory: () => Promise<LineUnderTest>, options: ConformanceOptions): ConformanceCase[] {
  const opts: Required<ConformanceOptions> = { timeoutMs: 10_000, quietMs: 300, ...options };
  const withLine = (body: (subject: LineUnderTest, recorder: Recorder) => Promise<void>) => async () => {
    const subject = await factory();
    const recorder = new Recorder(subject.line, opts);
    try {
      await body(subject, recorder);
    } finally {
      recorder.close();
      await subject.close();
    }
  };
  return [
    {
      name: 'start makes it ready and reports the status; stop reports stopped',
      run: withLine(async ({ line }, recorder) => {
        await line.start();
        if (line.status().state !== 'ready') throw new Error(`status after start is ${line.status().state}: ${line.status().detail}`);
        if (!recorder.events.some((e) => e.type === 'status' && e.status.state === 'ready')) throw new Error('no "status" event with state ready');
        await line.stop();
        if (line.status().state !== 'stopped') throw new Error(`status after stop is ${line.status().state}`);
      }),
    },
    {
      name: 'make_call resolves after "outgoing" with the engine\'s call id; the remote answers and hangs up: one "ended", nothing after',
      run: withLine(async ({ line, remote }, recorder) => {
        await line.start();
        const target = await remote.expectCall({ hangUpAfterMs: 300 });
        await line.execute({ type: 'make_call', callId: 'conformance-out-1', target });
        if (recorder.of('outgoing', 'conformance-out-1').length !== 1)
          throw new Error(`make_call resolved before "outgoing" with lineCallId conformance-out-1; got ${recorder.describe()}`);
        await recorder.waitFor('answered', 'conformance-out-1');
        const ended = await recorder.waitFor('ended', 'conformance-out-1');
        if (ended.type === 'ended' && ended.by !== 'remote') throw new Error(`the remote hung up, but "ended" says by ${ended.by}`);
        await remote.finished();
        await opts.sleep(opts.quietMs);
        expectKept(recorder);
      }),
    },
    {
      name: 'hold and unhold while connected give "held" then "resumed"; our hangup gives one "ended" by local',
      run: withLine(async ({ line, remote }, recorder) => {
        await line.start();
        const target = await remote.expectCall({ hangUpAfterMs: null, reoffers: true });
        await line.execute({ type: 'make_call', callId: 'conformance-out-2', target });
        await recorder.waitFor('answered', 'conformance-out-2');
        await line.execute({ type: 'hold', lineCallId: 'conformance-out-2' });
        await recorder.waitFor('held', 'conformance-out-2');
        await line.execute({ type: 'unhold', lineCallId: 'conformance-out-2' });
        await recorder.waitFor('resumed', 'conformance-out-2');
        await line.execute({ type: 'hangup', lineCallId: 'conformance-out-2' });
        const ended = await recorder.waitFor('ended', 'conformance-out-2');
        if (ended.type === 'ended' && ended.by !== 'local') throw new Error(`we hung up, but "ended" says by ${ended.by}`);
        await remote.finished();
        await opts.sleep(opts.quietMs);
        expectKept(recorder);
      }),
    },
    {
      name: 'a call in starts with "incoming" (remote party given); answer gives "answered"; the remote hangup one "ended"',
      run: withLine(async ({ line, remote }, recorder) => {
        await line.start();
        const { remoteParty } = await remote.callIn({ hangUpAfterMs: 300 });
        const incoming = await recorder.waitFor('incoming');
        if (incoming.type === 'incoming' && incoming.remoteParty !== remoteParty)
          throw new Error(`"incoming" names ${incoming.remoteParty}, not the caller ${remoteParty}`);
        await line.execute({ type: 'answer', lineCallId: incoming.lineCallId });
        await recorder.waitFor('answered', incoming.lineCallId);
        await recorder.waitFor('ended', incoming.lineCallId);
        await remote.finished();
        await opts.sleep(opts.quietMs);
        expectKept(recorder);
      }),
    },
    {
      name: 'a command for an unknown call rejects with a CallhookError and emits nothing',
      run: withLine(async ({ line }, recorder) => {
        await line.start();
        const before = recorder.events.length;
        const error = await line.execute({ type: 'hangup', lineCallId: 'no-such-call' }).then(
          () => null,
          (e: unknown) => e,
        );
        if (!isCallhookError(error))
          throw new Error(`hangup of an unknown call ${error === null ? 'resolved' : `rejected with ${String(error)}`}; expected a CallhookError`);
        await opts.sleep(opts.quietMs);
        if (recorder.events.length !== before) throw new Error(`a refused command emitted ${recorder.describe()}`);
      }),
    },
    {
      name: 'stop ends every active call with one "ended" before it resolves',
      run: withLine(async ({ line, remote }, recorder) => {
        await line.start();
        const target = await remote.expectCall({ hangUpAfterMs: null });
        await line.execute({ type: 'make_call', callId: 'conformance-out-3', target });
        await recorder.waitFor('answered', 'conformance-out-3');
        await opts.sleep(opts.quietMs); // the call is established (ACK sent), not just answered
        await line.stop();
        if (recorder.of('ended', 'conformance-out-3').length !== 1)
          throw new Error(`stop resolved without one "ended" for the active call; got ${recorder.describe()}`);
        await remote.finished();
        expectKept(recorder);
      }),
    },
  ];
}
