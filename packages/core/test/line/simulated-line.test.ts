import { describe, expect, it } from 'vitest';
import { SimulatedLine, type LineEvent } from '../../src/index.js';
import { SimulatedClock } from '@callhook/test-support';

async function started(options: Partial<ConstructorParameters<typeof SimulatedLine>[0]> = {}) {
  const clock = new SimulatedClock();
  const line = new SimulatedLine({ clock, ...options });
  const events: LineEvent[] = [];
  line.onEvent((e) => events.push(e));
  await line.start();
  const types = () => events.filter((e) => e.type !== 'status').map((e) => e.type);
  return { clock, line, events, types };
}

describe('simulated line', () => {
  it('reports ready once started and stopped after stop, ending calls left open', async () => {
    const { line, events } = await started();
    expect(line.status().state).toBe('ready');
    line.incoming('420');
    await line.stop();
    expect(events.map((e) => e.type)).toEqual(['status', 'incoming', 'ended', 'status']);
    expect(line.status().state).toBe('stopped');
  });

  it('answers outgoing calls after answerAfterMs on the clock', async () => {
    const { line, clock, types } = await started({ answerAfterMs: 1_500 });
    await line.execute({ type: 'make_call', callId: 'c1', target: '123' });
    expect(types()).toEqual(['outgoing', 'alerting']);
    await clock.advance(1_499);
    expect(types()).toEqual(['outgoing', 'alerting']);
    await clock.advance(1);
    expect(types()).toEqual(['outgoing', 'alerting', 'answered']);
  });

  it('cancels the answer timer when the call is hung up first', async () => {
    const { line, clock, types } = await started({ answerAfterMs: 1_000 });
    await line.execute({ type: 'make_call', callId: 'c1', target: '123' });
    await line.execute({ type: 'hangup', lineCallId: 'c1' });
    await clock.advance(5_000);
    expect(types()).toEqual(['outgoing', 'alerting', 'ended']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejecting a ringing inbound call ends it as rejected by us', async () => {
    const { line, events } = await started();
    const id = line.incoming('420', 'Michael D785');
    await line.execute({ type: 'hangup', lineCallId: id });
    expect(events.at(-1)).toEqual({ type: 'ended', lineCallId: id, by: 'local', cause: 'rejected' });
  });

  it('holds and resumes from either side, and refuses commands in the wrong state', async () => {
    const { line, types } = await started();
    const id = line.incoming('420');
    await expect(line.execute({ type: 'hold', lineCallId: id })).rejects.toMatchObject({ code: 'wrong_call_state' });
    await line.execute({ type: 'answer', lineCallId: id });
    line.remoteHold(id);
    line.remoteResume(id);
    await line.execute({ type: 'hold', lineCallId: id });
    await line.execute({ type: 'unhold', lineCallId: id });
    await line.execute({ type: 'dtmf', lineCallId: id, digits: '12#' });
    await line.execute({ type: 'transfer', lineCallId: id, target: '200' });
    expect(types()).toEqual(['incoming', 'answered', 'held', 'resumed', 'held', 'resumed', 'ended']);
    expect(line.dtmfSent).toEqual([{ lineCallId: id, digits: '12#' }]);
    await expect(line.execute({ type: 'answer', lineCallId: id })).rejects.toMatchObject({ code: 'no_such_call' });
  });

  it('refuses everything before start', async () => {
    const line = new SimulatedLine({ clock: new SimulatedClock() });
    expect(() => line.incoming('1')).toThrow(/not.*ready|stopped/);
    await expect(line.execute({ type: 'make_call', callId: 'x', target: '1' })).rejects.toMatchObject({ code: 'line_not_ready' });
  });
});
