import { describe, expect, it } from 'vitest';
import { CallhookError, Engine, loadSettings, SimulatedLine, type EngineEvent, type InboundCommand } from '../../src/index.js';
import { standardSinks } from '../../src/index.js';
import { SimulatedClock } from '@callhook/test-support';
import { CountingRandom, hang, RecordingBrowser, RecordingFetcher } from '../support/fakes.js';
import { MemoryJournal } from '../support/memory-journal.js';

const ACTIONS = ['inbound', 'outbound', 'connected', 'hold', 'disconnected'] as const;

async function setup(settings: Record<string, unknown> = {}, lineOptions: { busyTargets?: string[]; answerAfterMs?: number | null } = {}) {
  const clock = new SimulatedClock();
  const line = new SimulatedLine({ clock, localParty: 'sip:303@pbx.test', localName: 'Michael', ...lineOptions });
  const fetcher = new RecordingFetcher();
  const journal = new MemoryJournal();
  const loaded = loadSettings({
    actionUrls: {
      enabled: true,
      slots: ACTIONS.map((on) => ({
        on,
        url: `http://receiver.test/${on}?a=<$action>&n=<$remote_party>&h=<$hold_state>&d=<$call_disposition>&s=<$call_duration_seconds>`,
      })),
    },
    ...settings,
  });
  const engine = new Engine({
    lines: [{ id: 'default', line }],
    clock,
    random: new CountingRandom(),
    sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }),
    settings: loaded,
    journal,
    utcOffset: () => 60,
  });
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  await engine.start();
  const fired = () =>
    fetcher
      .urls()
      .map((u) => new URL(u))
      .map((u) => `${u.searchParams.get('a')}:${u.searchParams.get('h')}:${u.searchParams.get('d')}:${u.searchParams.get('s')}`);
  return { clock, line, fetcher, journal, engine, events, fired };
}

const run = (engine: Engine, command: InboundCommand) => engine.execute(command);

describe('engine on the simulated line', () => {
  it('an answered inbound call fires inbound, connected, hold twice and disconnected, in order', async () => {
    const { clock, line, engine, fired, journal } = await setup();
    line.incoming('420', 'Michael D785');
    await clock.advance(1_000);
    await run(engine, { action: 'answer', call: null });
    await clock.advance(3_000);
    await run(engine, { action: 'hold', call: null });
    await clock.advance(1_000);
    await run(engine, { action: 'unhold', call: null });
    await clock.advance(2_500);
    await run(engine, { action: 'hangup', call: null });
    await clock.advance(0);
    expect(fired()).toEqual(['inbound:off_hold::0', 'connected:off_hold::0', 'hold:on_hold::3', 'hold:off_hold::4', 'disconnected:off_hold:answered:6']);
    expect(journal.calls.map((c) => c.disposition)).toEqual(['answered']);
  });

  it('call waiting: answering a second call holds the connected one first, firing its hold Action URL', async () => {
    const { clock, line, engine, fetcher } = await setup();
    line.incoming('420', 'Anna');
    await clock.advance(0);
    const first = (await run(engine, { action: 'answer', call: null })).call!;
    const second = engine.callOnLine(line.incoming('421', 'Bob'))!;
    await clock.advance(0);
    await run(engine, { action: 'answer', call: second.guid });
    await clock.advance(0);
    expect(engine.call(first.guid)).toMatchObject({ state: 'held', holdState: 'on_hold' });
    expect(engine.call(second.guid)).toMatchObject({ state: 'connected' });
    const holds = fetcher
      .urls()
      .map((u) => new URL(u))
      .filter((u) => u.searchParams.get('a') === 'hold');
    expect(holds.map((u) => `${u.searchParams.get('n')}:${u.searchParams.get('h')}`)).toEqual(['420:on_hold']);
  });

  it('call waiting "none" leaves both calls connected', async () => {
    const { clock, line, engine } = await setup({ line: { type: 'simulator', callWaiting: 'none' } });
    line.incoming('420');
    await clock.advance(0);
    const first = (await run(engine, { action: 'answer', call: null })).call!;
    const second = engine.callOnLine(line.incoming('421'))!;
    await run(engine, { action: 'answer', call: second.guid });
    await clock.advance(0);
    expect(engine.call(first.guid)?.state).toBe('connected');
    expect(engine.call(second.guid)?.state).toBe('connected');
  });

  it('a caller who gives up makes a missed call', async () => {
    const { clock, line, fired, engine } = await setup();
    const id = line.incoming('420');
    line.remoteHangup(id);
    await clock.advance(0);
    expect(fired()).toEqual(['inbound:off_hold::0', 'disconnected:off_hold:missed:0']);
    expect(engine.recentCalls()[0]).toMatchObject({ remoteParty: '420', remoteAlias: '420', disposition: 'missed', state: 'ended' });
  });

  it('make_call places an outbound call that the remote answers', async () => {
    const { clock, engine, fired, fetcher } = await setup();
    const result = await run(engine, { action: 'make_call', target: '123', force: false });
    expect(result.call).toMatchObject({ direction: 'outbound', remoteParty: '123', state: 'ringing' });
    await clock.advance(2_000);
    expect(fired()).toEqual(['outbound:off_hold::0', 'connected:off_hold::0']);
    expect(new URL(fetcher.urls()[0]!).searchParams.get('n')).toBe('123');
    expect(engine.activeCalls()[0]!.guid).toBe(result.call!.guid);
  });

  it('a busy target ends as busy', async () => {
    const { clock, engine, fired } = await setup({}, { busyTargets: ['555'] });
    await run(engine, { action: 'make_call', target: '555', force: false });
    await clock.advance(0);
    expect(fired()).toEqual(['outbound:off_hold::0', 'disconnected:off_hold:busy:0']);
  });

  it('refuses the same target twice within the window unless forced, and denied prefixes', async () => {
    const { clock, engine } = await setup({ inbound: { denyPrefixes: ['0900'], duplicateWindowMs: 5_000 } }, { answerAfterMs: null });
    await run(engine, { action: 'make_call', target: '123', force: false });
    await expect(run(engine, { action: 'make_call', target: '123', force: false })).rejects.toMatchObject({
      code: 'duplicate_dial',
      // Every way to dial is told its own form of force: the CLI has no force=1.
      message: expect.stringMatching(
        /ms ago; to dial it again add force=1 to the Action URL \(callhook dial --force, "force": true in POST \/api\/v1\/commands\)$/,
      ),
    });
    await run(engine, { action: 'make_call', target: '123', force: true });
    await clock.advance(5_000);
    await run(engine, { action: 'make_call', target: '123', force: false });
    await expect(run(engine, { action: 'make_call', target: '0900123', force: true })).rejects.toMatchObject({ code: 'target_denied' });
  });

  it('resolves which call a command is for, or says why it cannot', async () => {
    const { engine, line } = await setup({}, { answerAfterMs: null });
    await expect(run(engine, { action: 'answer', call: null })).rejects.toMatchObject({ code: 'no_such_call' });
    line.incoming('420');
    line.incoming('421');
    await expect(run(engine, { action: 'answer', call: null })).rejects.toMatchObject({ code: 'ambiguous_call' });
    await expect(run(engine, { action: 'hold', call: null })).rejects.toMatchObject({
      code: 'wrong_call_state',
      message: 'hold needs a call that is connected; the active calls are ringing, ringing',
    });
    const target = engine.activeCalls().find((c) => c.remoteParty === '421')!;
    const answered = await run(engine, { action: 'answer', call: target.guid });
    expect(answered.call).toMatchObject({ guid: target.guid, state: 'connected' });
    await expect(run(engine, { action: 'hangup', call: '0190f5c2-7b1a-7c3d-8e4f-0123456789ab' })).rejects.toMatchObject({ code: 'no_such_call' });
  });

  it('says what the only call is doing when a command does not fit it (hold right after dial: still ringing)', async () => {
    const { engine } = await setup({}, { answerAfterMs: null });
    const dialled = await run(engine, { action: 'make_call', target: '0301234567', force: false });
    await expect(run(engine, { action: 'hold', call: null })).rejects.toMatchObject({
      code: 'wrong_call_state',
      message: `hold needs a call that is connected; call ${dialled.call!.guid} is ${dialled.call!.state}`,
    });
  });

  it('applies new settings live', async () => {
    const { clock, engine, line, fetcher } = await setup();
    engine.applySettings(loadSettings({ actionUrls: { enabled: true, slots: [{ on: 'inbound', url: 'http://other.test/?n=<$remote_party>' }] } }));
    line.incoming('777');
    await clock.advance(0);
    expect(fetcher.urls()).toEqual(['http://other.test/?n=777']);
  });

  it('fires nothing while Action URLs are disabled, but still reports call events', async () => {
    const { clock, engine, line, fetcher, events } = await setup();
    engine.applySettings(loadSettings({ actionUrls: { enabled: false, slots: [{ on: 'inbound', url: 'http://h/' }] } }));
    line.incoming('777');
    await clock.advance(0);
    expect(fetcher.requests).toEqual([]);
    expect(events.filter((e) => e.type === 'call').map((e) => e.type === 'call' && e.action)).toEqual(['inbound']);
  });

  it('resubmits deliveries left in the outbox at start', async () => {
    const clock = new SimulatedClock();
    const journal = new MemoryJournal();
    journal.enqueueDelivery({
      id: 'g:inbound:0:1',
      callGuid: 'g',
      action: 'inbound',
      slot: 0,
      sequence: 1,
      url: 'http://left.test/',
      mode: 'http',
      method: 'GET',
      headers: {},
      body: null,
      signingSecret: null,
      timeoutMs: 1000,
      retries: { max: 0, backoffMs: 10 },
      createdAt: 0,
    });
    const fetcher = new RecordingFetcher();
    const engine = new Engine({
      lines: [{ id: 'default', line: new SimulatedLine({ clock }) }],
      clock,
      random: new CountingRandom(),
      sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }),
      settings: loadSettings({}),
      journal,
    });
    await engine.start();
    await clock.advance(0);
    expect(fetcher.requests.map((r) => [r.url, r.headers['Idempotency-Key']])).toEqual([['http://left.test/', 'g:inbound:0:1']]);
    expect(journal.pending()).toEqual([]);
  });

  it('bounds the whole stop by drainMs: a line that does not stop is left behind, the drain gets what remains', async () => {
    const clock = new SimulatedClock();
    const line = new SimulatedLine({ clock });
    const other = new SimulatedLine({ clock });
    let otherStopped = false;
    const otherStop = other.stop.bind(other);
    other.stop = async () => {
      await otherStop();
      otherStopped = true;
    };
    const logged: string[] = [];
    const fetcher = new RecordingFetcher(hang); // the receiver never answers
    const settings = loadSettings({
      lines: [
        { id: 'default', type: 'simulator' },
        { id: 'other', type: 'simulator' },
      ],
      actionUrls: { enabled: true, slots: [{ on: 'inbound', url: 'http://slow.test/', timeoutMs: 60_000 }] },
    });
    const logger = { log: (_level: string, message: string) => void logged.push(message) };
    const engine = new Engine({
      lines: [
        { id: 'default', line },
        { id: 'other', line: other },
      ],
      clock,
      random: new CountingRandom(),
      sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }),
      settings,
      journal: new MemoryJournal(),
      logger,
    });
    await engine.start();
    line.incoming('420', null);
    await clock.advance(0);
    expect(fetcher.requests).toHaveLength(1);
    line.stop = () => new Promise(() => undefined); // a line whose stop hangs (a registrar that never answers)
    let result: boolean | null = null;
    void engine.stop(5_000).then((drained) => (result = drained));
    await clock.advance(4_999);
    expect(result).toBeNull();
    await clock.advance(1);
    expect(result).toBe(false);
    expect(logged).toContain('the line "default" did not stop within 5000 ms; draining deliveries without waiting for it');
    expect(logged.filter((m) => m.includes('did not stop'))).toHaveLength(1);
    expect(otherStopped).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('refuses commands while the line is not ready', async () => {
    const { engine } = await setup();
    await engine.stop(0);
    const error = await run(engine, { action: 'make_call', target: '1', force: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallhookError);
    expect((error as CallhookError).code).toBe('line_not_ready');
  });

  it('POST slots carry the call event as JSON', async () => {
    const { clock, line, fetcher } = await setup({
      actionUrls: { enabled: true, slots: [{ on: 'inbound', url: 'http://h/hook', method: 'POST', secret: 'a-long-signing-secret' }] },
    });
    line.incoming('420', 'Michael D785');
    await clock.advance(0);
    const request = fetcher.requests[0]!;
    expect(request).toMatchObject({ method: 'POST', signingSecret: 'a-long-signing-secret' });
    expect(request.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(request.body!)).toMatchObject({ action: 'inbound', call: { remoteAlias: '"Michael D785" (420)' } });
  });
});

describe('live call quality (line event "quality")', () => {
  const live = { packetsLost: 1, packetsReceived: 249, jitterMs: 2.5, rttMs: 20, mos: 4.37, codec: 'PCMU' };
  const final = { packetsLost: 3, packetsReceived: 747, jitterMs: 2.2, rttMs: 18, mos: 4.36, codec: 'PCMU' };

  it('puts the figures into the live snapshot and a "quality" engine event, fires no Action URL and journals nothing until the end', async () => {
    const { clock, line, engine, fetcher, journal, events } = await setup();
    const id = line.incoming('420', 'Michael D785');
    await clock.advance(0);
    const call = (await run(engine, { action: 'answer', call: null })).call!;
    await clock.advance(0);
    const firedBefore = fetcher.urls().length;
    const emit = (line as unknown as { emit(e: unknown): void }).emit.bind(line);
    await clock.advance(5_000);
    emit({ type: 'quality', lineCallId: id, quality: live });
    await clock.advance(0);
    expect(engine.call(call.guid)).toMatchObject({ state: 'connected', quality: live });
    expect(engine.activeCalls().find((c) => c.guid === call.guid)?.quality).toEqual(live);
    const qualityEvents = events.filter((e) => e.type === 'quality');
    expect(qualityEvents).toEqual([{ type: 'quality', call: expect.objectContaining({ guid: call.guid, quality: live }), at: clock.now() }]);
    expect(fetcher.urls()).toHaveLength(firedBefore);
    expect(journal.calls).toEqual([]);

    line.remoteHangup(id);
    emit({ type: 'quality', lineCallId: id, quality: final }); // after `ended`: out of contract, ignored
    await clock.advance(0);
    expect(journal.calls).toHaveLength(1);
    expect(journal.calls[0]!.quality).toEqual(live);
    expect(events.filter((e) => e.type === 'quality')).toHaveLength(1);
  });

  it('ignores (and logs) figures for a call that is not answered yet', async () => {
    const clock = new SimulatedClock();
    const line = new SimulatedLine({ clock });
    const logs: string[] = [];
    const engine = new Engine({
      lines: [{ id: 'default', line }],
      clock,
      random: new CountingRandom(),
      sinks: standardSinks({ fetcher: new RecordingFetcher(), browser: new RecordingBrowser() }),
      settings: loadSettings({}),
      logger: { log: (level, message) => logs.push(`${level} ${message}`) },
    });
    await engine.start();
    const id = line.incoming('420');
    (line as unknown as { emit(e: unknown): void }).emit({ type: 'quality', lineCallId: id, quality: live });
    expect(engine.activeCalls()[0]).toMatchObject({ state: 'ringing', quality: null });
    expect(logs.some((l) => l.includes('cannot apply "quality" in state "ringing"'))).toBe(true);
  });
});

describe('engine robustness', () => {
  it('ignores a line event that does not fit the call, and logs it', async () => {
    const clock = new SimulatedClock();
    const line = new SimulatedLine({ clock });
    const logs: string[] = [];
    const engine = new Engine({
      lines: [{ id: 'default', line }],
      clock,
      random: new CountingRandom(),
      sinks: standardSinks({ fetcher: new RecordingFetcher(), browser: new RecordingBrowser() }),
      settings: loadSettings({}),
      logger: { log: (level, message) => logs.push(`${level} ${message}`) },
    });
    await engine.start();
    const id = line.incoming('420');
    line.remoteHangup(id);
    const emit = (line as unknown as { emit(e: unknown): void }).emit.bind(line);
    emit({ type: 'answered', lineCallId: id });
    emit({ type: 'held', lineCallId: 'never-seen', by: 'remote' });
    expect(engine.recentCalls()[0]!.disposition).toBe('missed');
    expect(logs.some((l) => l.startsWith('debug line event for an unknown call'))).toBe(true);
  });
});

describe('engine start', () => {
  it('resubmits what the outbox still holds, says how many, and sends each once more', async () => {
    const clock = new SimulatedClock();
    const journal = new MemoryJournal();
    const fetcher = new RecordingFetcher();
    const logged: string[] = [];
    const left = {
      id: 'g:inbound:0:1',
      callGuid: 'g',
      action: 'inbound',
      slot: 0,
      sequence: 1,
      url: 'http://receiver.test/left',
      mode: 'http',
      method: 'GET',
      headers: {},
      body: null,
      signingSecret: null,
      timeoutMs: 1_000,
      retries: { max: 0, backoffMs: 10 },
      createdAt: 0,
    } as const;
    journal.enqueueDelivery(left);
    const engine = new Engine({
      lines: [{ id: 'default', line: new SimulatedLine({ clock }) }],
      clock,
      random: new CountingRandom(),
      sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }),
      settings: loadSettings({}),
      journal,
      logger: { log: (_level, message) => logged.push(message) },
    });
    await engine.start();
    await clock.advance(0);
    expect(logged).toContain('resuming 1 deliveries left in the outbox');
    expect(fetcher.urls()).toEqual(['http://receiver.test/left']);
    expect(journal.pending()).toEqual([]);
  });
});

describe('engine deliveries with the default retries', () => {
  it('a CRM down for 60 s gets every event of a call once it is back, each Idempotency-Key taken once', async () => {
    const { clock, line, engine, fetcher } = await setup();
    const down = clock.now() + 60_000;
    const taken: string[] = [];
    fetcher.respond = async (request) => {
      if (clock.now() < down) throw new Error('connect ECONNREFUSED 127.0.0.1:80');
      taken.push(request.headers['Idempotency-Key']!);
      return { status: 200 };
    };
    line.incoming('420', 'Anna');
    await clock.advance(1_000);
    await run(engine, { action: 'answer', call: null });
    await clock.advance(1_000);
    await run(engine, { action: 'hangup', call: null });
    await clock.advance(58_000);
    expect(taken).toEqual([]);
    await clock.advance(10 * 60_000);
    // Each action has its own slot here, so its own lane: they come back in any order.
    expect(taken.map((key) => key.split(':')[1]).sort()).toEqual(['connected', 'disconnected', 'inbound']);
    expect(new Set(taken).size).toBe(3);
    expect(engine.dispatcher.stats()).toMatchObject({ queued: 0, inFlight: 0 });
  });
});
