import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DialPolicy,
  Engine,
  loadSettings,
  parseInboundRequest,
  readDialTarget,
  Refusal,
  resolveDialPlan,
  SimulatedLine,
  type DialTarget,
} from '../../src/index.js';
import { standardSinks } from '../../src/index.js';
import { SimulatedClock } from '@callhook/test-support';
import { CountingRandom, RecordingBrowser, RecordingFetcher } from '../support/fakes.js';

const target = (raw: string): DialTarget => {
  const read = readDialTarget(raw);
  if (read instanceof Refusal) throw read.toError();
  return read;
};

async function engineWith(inbound: Record<string, unknown>, line: Record<string, unknown> = {}) {
  const clock = new SimulatedClock();
  const sim = new SimulatedLine({ clock, answerAfterMs: null });
  const settings = loadSettings({ inbound: { duplicateWindowMs: 0, ...inbound }, line: { type: 'simulator', ...line } });
  const engine = new Engine({
    lines: [{ id: 'default', line: sim }],
    clock,
    random: new CountingRandom(),
    sinks: standardSinks({ fetcher: new RecordingFetcher(), browser: new RecordingBrowser() }),
    settings,
  });
  await engine.start();
  return { clock, sim, engine };
}

describe('deny prefixes cannot be dodged by notation (issue 9)', () => {
  it.each([
    '/?action=make_call&target=0900123',
    '/?action=make_call&target=0900-123',
    '/?action=make_call&target=*31%230900123',
    '/?action=make_call&target=%2367%230900123',
    '/?action=make_call&target=*670900123',
    '/?action=make_call&target=sip:%2530900@x',
    '/?action=make_call&target=tel:0900123;phone-context=%2B49',
    '/?action=make_call&target=09+00+123',
  ])('%s is denied', async (request) => {
    const { engine } = await engineWith({ denyPrefixes: ['0900'] });
    await expect(engine.execute(parseInboundRequest(request))).rejects.toMatchObject({ code: 'target_denied', details: { prefix: '0900' } });
  });

  it('%2B0900123 cannot even be parsed: + is never followed by 0', () => {
    expect(() => parseInboundRequest('/?action=make_call&target=%2B0900123')).toThrow(/country code/);
  });

  it('transfer is judged like make_call, and a denied transfer leaves the call up', async () => {
    const { engine, sim } = await engineWith({ denyPrefixes: ['0900'] });
    const id = sim.incoming('420');
    await engine.execute({ action: 'answer', call: null });
    await expect(engine.execute(parseInboundRequest('/?action=transfer&target=0900123'))).rejects.toMatchObject({ code: 'target_denied' });
    await expect(engine.execute({ action: 'transfer', target: '*31#0900123', call: null })).rejects.toMatchObject({ code: 'target_denied' });
    expect(sim.callIds()).toEqual([id]);
    await engine.execute(parseInboundRequest('/?action=transfer&target=200'));
    expect(sim.callIds()).toEqual([]);
  });

  it('commands built by other callers than the inbound parser are normalised before they are judged', async () => {
    const { engine } = await engineWith({ denyPrefixes: ['+49900'] });
    await expect(engine.execute({ action: 'make_call', target: '+49 (0)900 123', force: false })).rejects.toMatchObject({ code: 'target_denied' });
    await expect(engine.execute({ action: 'make_call', target: 'x', force: false })).rejects.toMatchObject({ code: 'invalid_target' });
  });

  it('with a dial plan, national, international and E.164 notations meet', () => {
    const plan = resolveDialPlan({ country: 'DE', outsideLinePrefix: '0', internationalPrefix: null });
    const national = new DialPolicy(['0900'], 0, plan);
    for (const raw of ['+49900123', '0049900123', '00900123', '+49 (0)900 123', 'sip:+49900123@pbx', '*31#+49900123']) {
      expect(() => national.checkDenied(target(raw)), raw).toThrow(/denied prefix "0900"/);
    }
    const e164 = new DialPolicy(['+49900'], 0, plan);
    for (const raw of ['0900123', '0049900123', '00900123']) expect(() => e164.checkDenied(target(raw)), raw).toThrow(/denied prefix "\+49900"/);
    const allExternal = new DialPolicy(['0'], 0, plan);
    expect(() => allExternal.checkDenied(target('+41311232121'))).toThrow(/denied prefix "0"/);
    for (const raw of ['+4930123', '030123', '200']) expect(() => national.checkDenied(target(raw)), raw).not.toThrow();
  });

  it('a target that starts with a deny prefix is denied whatever is put in front or between (property)', () => {
    const policy = new DialPolicy(['0900'], 0);
    const decoration = fc.tuple(fc.constantFrom('', '*31#', '#31#', '*67', '*82'), fc.array(fc.constantFrom(' ', '-', '.', '/'), { maxLength: 3 }));
    fc.assert(
      fc.property(decoration, fc.stringMatching(/^[0-9]{0,8}$/), ([codes, seps], rest) => {
        const written = `${codes}0${seps.join('')}900${rest}`;
        expect(() => policy.checkDenied(target(written))).toThrow(/target_denied|denied prefix/);
      }),
    );
  });
});

describe('postdial DTMF and the dial plan in the engine', () => {
  it('sends the extension as DTMF once connected, after a pause, and never before', async () => {
    const { engine, sim, clock } = await engineWith({});
    const { call } = await engine.execute(parseInboundRequest('/?action=make_call&target=tel:%2B1-201-555-0123;ext=1234'));
    expect(call?.remoteParty).toBe('+12015550123');
    await clock.advance(10_000);
    expect(sim.dtmfSent).toEqual([]);
    sim.remoteAnswer(call!.guid);
    await clock.advance(1_999);
    expect(sim.dtmfSent).toEqual([]);
    await clock.advance(1);
    expect(sim.dtmfSent).toEqual([{ lineCallId: call!.guid, digits: '1234' }]);
  });

  it('pauses between runs, and stops when the call ends', async () => {
    const { engine, sim, clock } = await engineWith({});
    const { call } = await engine.execute({ action: 'make_call', target: '0301234,12pp3', force: false });
    sim.remoteAnswer(call!.guid);
    await clock.advance(2_000);
    expect(sim.dtmfSent.map((d) => d.digits)).toEqual(['12']);
    await clock.advance(4_000);
    expect(sim.dtmfSent.map((d) => d.digits)).toEqual(['12', '3']);

    const second = await engine.execute({ action: 'make_call', target: '0301235,9', force: false });
    sim.remoteAnswer(second.call!.guid);
    sim.remoteHangup(second.call!.guid);
    await clock.advance(10_000);
    expect(sim.dtmfSent.map((d) => d.digits)).toEqual(['12', '3']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('refuses postdial on a transfer instead of dropping it', async () => {
    const { engine, sim } = await engineWith({});
    sim.incoming('420');
    await engine.execute({ action: 'answer', call: null });
    await expect(engine.execute({ action: 'transfer', target: '200,1', call: null })).rejects.toMatchObject({
      code: 'invalid_target',
      details: { field: 'target' },
    });
  });

  it('sends E.164 numbers to the line as the PBX expects them when a dial plan is set', async () => {
    const { engine } = await engineWith({}, { dialPlan: { country: 'DE', outsideLinePrefix: '0' } });
    const home = await engine.execute(parseInboundRequest('/?action=make_call&target=%2B4930123460'));
    expect(home.call?.remoteParty).toBe('0030123460');
    const abroad = await engine.execute(parseInboundRequest('/?action=make_call&target=%2B41%20(0)31%20123%2021%2021'));
    expect(abroad.call?.remoteParty).toBe('00041311232121');
    const local = await engine.execute(parseInboundRequest('/?action=make_call&target=200'));
    expect(local.call?.remoteParty).toBe('200');
  });

  it('without a dial plan, every line is given the normalised number', async () => {
    const { engine } = await engineWith({});
    const { call } = await engine.execute(parseInboundRequest('/?action=make_call&target=tel:%2B4930123460'));
    expect(call?.remoteParty).toBe('+4930123460');
  });
});
