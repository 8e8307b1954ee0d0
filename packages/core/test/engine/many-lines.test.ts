import { describe, expect, it } from 'vitest';
import { CallhookError, Engine, loadSettings, SimulatedLine, standardSinks, type InboundCommand, type LineEvent } from '../../src/index.js';
import { SimulatedClock } from '@callhook/test-support';
import { CountingRandom, RecordingBrowser, RecordingFetcher } from '../support/fakes.js';

async function twoLines(slots: Record<string, unknown>[] = [{ on: 'inbound', url: 'http://receiver.test/in?line=<$line_id>&n=<$remote_party>' }]) {
  const clock = new SimulatedClock();
  const desk = new SimulatedLine({ clock, localParty: 'sip:12@pbx.test', answerAfterMs: null });
  const lab = new SimulatedLine({ clock, localParty: 'sip:13@pbx.test', answerAfterMs: null });
  const fetcher = new RecordingFetcher();
  const settings = loadSettings({
    lines: [
      { id: 'desk-12', type: 'simulator' },
      { id: 'lab', type: 'simulator' },
    ],
    actionUrls: { enabled: true, slots },
  });
  const logs: string[] = [];
  const engine = new Engine({
    lines: [
      { id: 'desk-12', line: desk },
      { id: 'lab', line: lab },
    ],
    clock,
    random: new CountingRandom(),
    sinks: standardSinks({ fetcher, browser: new RecordingBrowser() }),
    settings,
    logger: { log: (level, message) => logs.push(`${level} ${message}`) },
  });
  await engine.start();
  return { clock, desk, lab, fetcher, engine, logs };
}

const refusal = async (promise: Promise<unknown>): Promise<CallhookError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CallhookError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('one engine over many lines', () => {
  it('each call carries its line: in the snapshot and in <$line_id>', async () => {
    const { clock, desk, lab, fetcher, engine } = await twoLines();
    lab.incoming('420');
    desk.incoming('421');
    await clock.advance(0);
    expect(
      engine
        .activeCalls()
        .map((c) => [c.lineId, c.remoteParty])
        .sort(),
    ).toEqual([
      ['desk-12', '421'],
      ['lab', '420'],
    ]);
    expect(fetcher.urls().sort()).toEqual(['http://receiver.test/in?line=desk-12&n=421', 'http://receiver.test/in?line=lab&n=420']);
  });

  it('make_call goes out on the first line, or on the one named by line', async () => {
    const { desk, lab, engine } = await twoLines();
    const first = await engine.execute({ action: 'make_call', target: '100', force: false });
    expect(first.call).toMatchObject({ lineId: 'desk-12', state: 'ringing' });
    const named = await engine.execute({ action: 'make_call', target: '101', force: false, line: 'lab' });
    expect(named.call).toMatchObject({ lineId: 'lab', remoteParty: '101' });
    expect(desk.callIds()).toEqual([first.call!.guid]);
    expect(lab.callIds()).toEqual([named.call!.guid]);
    const unknown = await refusal(engine.execute({ action: 'make_call', target: '102', force: false, line: 'desk-13' }));
    expect(unknown.code).toBe('no_such_line');
    expect(unknown.message).toBe('no line "desk-13"; lines: desk-12, lab');
  });

  it('a command that fits calls on several lines is refused with the candidates; line= or call= picks one', async () => {
    const { clock, desk, lab, engine } = await twoLines();
    const onDesk = engine.callOnLine(desk.incoming('420'), 'desk-12')!;
    const onLab = engine.callOnLine(lab.incoming('421'), 'lab')!;
    await clock.advance(0);
    const ambiguous = await refusal(engine.execute({ action: 'answer', call: null }));
    expect(ambiguous.code).toBe('ambiguous_call');
    expect(ambiguous.message).toMatch(/2 calls could take answer on lines desk-12, lab; name one with call=<guid> or line=<id>/);
    expect(ambiguous.details?.candidates).toEqual(
      expect.arrayContaining([
        { call: onDesk.guid, line: 'desk-12' },
        { call: onLab.guid, line: 'lab' },
      ]),
    );
    const answered = await engine.execute({ action: 'answer', call: null, line: 'lab' } as InboundCommand);
    expect(answered.call).toMatchObject({ guid: onLab.guid, state: 'connected' });
    const hung = await engine.execute({ action: 'hangup', call: onDesk.guid });
    expect(hung.call).toMatchObject({ guid: onDesk.guid, state: 'ended', lineId: 'desk-12' });
  });

  it('a slot limited to some lines fires only for their calls', async () => {
    const { clock, desk, lab, fetcher } = await twoLines([{ on: 'inbound', url: 'http://receiver.test/lab?line=<$line_id>', lines: ['lab'] }]);
    desk.incoming('420');
    lab.incoming('421');
    await clock.advance(0);
    expect(fetcher.urls()).toEqual(['http://receiver.test/lab?line=lab']);
  });

  it('two lines may use the same line call id: each maps to its own call', async () => {
    const { clock, desk, lab, engine } = await twoLines();
    expect(desk.incoming('420')).toBe(lab.incoming('421'));
    await clock.advance(0);
    expect(new Set(engine.activeCalls().map((c) => c.guid)).size).toBe(2);
    lab.remoteHangup('sim-1');
    expect(engine.activeCalls().map((c) => c.lineId)).toEqual(['desk-12']);
  });

  it('tolerates a line that repeats or disorders events, and logs it', async () => {
    const { engine, logs } = await twoLines();
    const raw = new SimulatedLine({ clock: new SimulatedClock() });
    let emit: (event: LineEvent) => void = () => undefined;
    raw.onEvent = (listener) => ((emit = listener), () => undefined);
    await engine.addLine('raw', raw);
    const party = { remoteParty: '420', localParty: 'sip:1@h' };
    emit({ type: 'incoming', lineCallId: 'x', ...party });
    emit({ type: 'incoming', lineCallId: 'x', ...party });
    emit({ type: 'resumed', lineCallId: 'x', by: 'remote' });
    emit({ type: 'ended', lineCallId: 'x', by: 'remote', cause: 'normal' });
    emit({ type: 'answered', lineCallId: 'x' });
    expect(engine.activeCalls().filter((c) => c.lineId === 'raw')).toEqual([]);
    expect(engine.recentCalls().filter((c) => c.lineId === 'raw')).toHaveLength(1);
    expect(logs).toEqual(
      expect.arrayContaining([
        'warn line event ignored: line "raw" reported call x again',
        expect.stringMatching(/^warn line event ignored: call .*: cannot apply "resumed" in state "ringing"/),
        'debug line event for an unknown call',
      ]),
    );
  });

  it('lines are added and removed while running; a removed line ends its calls first', async () => {
    const { clock, lab, engine } = await twoLines();
    lab.incoming('420');
    await clock.advance(0);
    await engine.removeLine('lab');
    expect(engine.lines.ids()).toEqual(['desk-12']);
    expect(engine.recentCalls()[0]).toMatchObject({ lineId: 'lab', state: 'ended' });
    const extra = new SimulatedLine({ clock });
    await engine.addLine('extra', extra);
    expect(engine.lines.reports()).toEqual([
      { id: 'desk-12', type: 'simulator', status: { state: 'ready', detail: 'simulated line' } },
      { id: 'extra', type: 'simulator', status: { state: 'ready', detail: 'simulated line' } },
    ]);
  });
});
