import { SPEC_EXAMPLE_CALL, type CallSnapshot, type EngineEvent, type InboundCommand } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import { incomingNotifier } from '../src/main/incoming-notifier.js';
import { FakeNotification } from './support/fakes.js';

const call = (patch: Partial<CallSnapshot> = {}): CallSnapshot => ({ ...SPEC_EXAMPLE_CALL, guid: 'g-1', ...patch });
const event = (c: CallSnapshot): EngineEvent => ({ type: 'call', action: 'inbound', call: c, at: 1 });

function setup(fail = false) {
  const shown: FakeNotification[] = [];
  const commands: InboundCommand[] = [];
  const errors: string[] = [];
  let callsShown = 0;
  const notifier = incomingNotifier({
    notify: (options) => {
      const n = new FakeNotification(options);
      shown.push(n);
      return n;
    },
    execute: async (command) => {
      commands.push(command);
      if (fail) throw new Error('line not ready');
    },
    showCalls: () => callsShown++,
    onError: (message) => errors.push(message),
  });
  return { notifier, shown, commands, errors, callsShown: () => callsShown };
}

describe('incomingNotifier', () => {
  it('shows one notification per ringing incoming call with Answer and Reject', () => {
    const { notifier, shown } = setup();
    notifier(event(call()));
    notifier(event(call()));
    notifier(event(call({ guid: 'g-2', direction: 'outbound' })));
    expect(shown).toHaveLength(1);
    expect(shown[0]!.shown).toBe(true);
    expect(shown[0]!.options).toMatchObject({ title: 'Incoming call', body: '"Michael D785" (420)', actions: [{ text: 'Answer' }, { text: 'Reject' }] });
  });

  it('Answer answers and Reject hangs up that call', async () => {
    const { notifier, shown, commands } = setup();
    notifier(event(call()));
    shown[0]!.fire('action', 0);
    shown[0]!.fire('action', 1);
    await Promise.resolve();
    expect(commands).toEqual([
      { action: 'answer', call: 'g-1' },
      { action: 'hangup', call: 'g-1' },
    ]);
  });

  it('closes when the call stops ringing, and a click shows the Calls page', () => {
    const { notifier, shown, callsShown } = setup();
    notifier(event(call()));
    shown[0]!.fire('click');
    notifier(event(call({ state: 'connected' })));
    expect(shown[0]!.closed).toBe(true);
    expect(callsShown()).toBe(1);
  });

  it('reports a command the engine refuses', async () => {
    const { notifier, shown, errors } = setup(true);
    notifier(event(call()));
    shown[0]!.fire('action', 0);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors).toEqual(['answer failed: line not ready']);
  });
});
