import { describe, expect, it } from 'vitest';
import { scenario } from './support/scenario.js';
import { cleanupAfterEach, startTestLine, startUac } from './support/sip-line-under-sipp.js';
import { fixture } from './support/sipp.js';

describe.each(['udp', 'tcp'] as const)('sipp uac → callhook over %s, no registrar', (transport) => {
  const defer = cleanupAfterEach();

  it('auto-answers full calls and sees the remote hang up', async () => {
    const { line, events, target } = await startTestLine(defer, { transport, autoAnswer: true, displayName: 'Desk' });
    expect(line.status()).toMatchObject({ state: 'ready' });
    const sipp = await startUac(defer, target, { calls: 3, extra: ['-r', '10', '-d', '300'], timeout: '20s', transport });
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const incoming = await events.waitFor('incoming');
    expect(incoming).toMatchObject({ remoteParty: 'sipp', localParty: 'sip:303@127.0.0.1', localName: 'Desk' });
    expect(events.types(incoming.lineCallId)).toEqual(['incoming', 'answered', 'ended:remote:normal']);
    expect(events.events.filter((event) => event.type === 'answered')).toHaveLength(3);
  });
});

describe.each(['udp', 'tcp'] as const)('sipp uac → callhook over %s, ringing calls', (transport) => {
  const defer = cleanupAfterEach();

  /** A line that does not answer by itself, and sipp calling it with `scenario` (its built-in uac unless given). */
  async function ringingLine() {
    const { line, events, target } = await startTestLine(defer, { transport });
    const call = (scenario: string[], extra: string[] = []) => startUac(defer, target, { scenario, extra, timeout: '15s', transport });
    return { line, events, call };
  }

  it('answers on command', async () => {
    const { line, events, call } = await ringingLine();
    const sipp = await call(['-sn', 'uac'], ['-d', '200']);
    const incoming = await events.waitFor('incoming');
    expect(incoming).toMatchObject({ remoteParty: 'sipp', remoteName: 'sipp' });
    await line.execute({ type: 'answer', lineCallId: incoming.lineCallId });
    const result = await sipp.done;
    expect(result.code, result.stdout).toBe(0);
    await events.waitFor('ended');
    expect(events.types(incoming.lineCallId)).toEqual(['incoming', 'answered', 'ended:remote:normal']);
  });

  it('reports a CANCEL as ended by the remote (a missed call)', async () => {
    const { events, call } = await ringingLine();
    const sipp = await call(['-sf', scenario('uac-cancel.xml', { CANCEL_HEADERS: '' })]);
    const incoming = await events.waitFor('incoming');
    expect(incoming).toMatchObject({ remoteParty: '4711', remoteName: 'Caller Name' });
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(await events.waitFor('ended')).toMatchObject({ lineCallId: incoming.lineCallId, by: 'remote', cause: 'normal' });
  });

  it('rejects a ringing call on hangup with 603', async () => {
    const { line, events, call } = await ringingLine();
    const sipp = await call(['-sf', fixture('uac-rejected.xml')]);
    const incoming = await events.waitFor('incoming');
    await line.execute({ type: 'hangup', lineCallId: incoming.lineCallId });
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(await events.waitFor('ended')).toMatchObject({ lineCallId: incoming.lineCallId, by: 'local', cause: 'rejected' });
  });
});
