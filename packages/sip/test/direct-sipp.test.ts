import { SipLineSchema } from '../src/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createSipLine, type SipLine } from '../src/index.js';
import { EventRecorder } from './support/event-recorder.js';
import { freePort } from './support/free-port.js';
import { scenario } from './support/scenario.js';
import { fixture, startSipp } from './support/sipp.js';

describe.each(['udp', 'tcp'] as const)('sipp uac → callhook over %s, no registrar', (transport) => {
  let line: SipLine | undefined;
  afterEach(async () => {
    await line?.stop();
  });

  it('auto-answers full calls and sees the remote hang up', async () => {
    line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', transport, autoAnswer: true, displayName: 'Desk' }));
    const events = new EventRecorder(line);
    await line.start();
    expect(line.status()).toMatchObject({ state: 'ready' });
    const port = line.localAddress!.port;
    const sippPort = await freePort();
    const sipp = startSipp([
      '-sn',
      'uac',
      `127.0.0.1:${port}`,
      '-s',
      '303',
      '-i',
      '127.0.0.1',
      '-p',
      String(sippPort),
      '-m',
      '3',
      '-r',
      '10',
      '-d',
      '300',
      '-timeout',
      '20s',
      '-timeout_error',
      ...(transport === 'tcp' ? ['-t', 't1'] : []),
    ]);
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const incoming = await events.waitFor('incoming');
    expect(incoming).toMatchObject({ remoteParty: 'sipp', localParty: 'sip:303@127.0.0.1', localName: 'Desk' });
    expect(events.types(incoming.lineCallId)).toEqual(['incoming', 'answered', 'ended:remote:normal']);
    expect(events.events.filter((event) => event.type === 'answered')).toHaveLength(3);
  });
});

describe.each(['udp', 'tcp'] as const)('sipp uac → callhook over %s, ringing calls', (transport) => {
  let line: SipLine | undefined;
  afterEach(async () => {
    await line?.stop();
  });

  async function ringingLine() {
    line = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', transport }));
    const events = new EventRecorder(line);
    await line.start();
    const sippPort = await freePort();
    const target = `127.0.0.1:${line.localAddress!.port}`;
    const args = (file: string) => [
      '-sf',
      file,
      target,
      '-s',
      '303',
      '-i',
      '127.0.0.1',
      '-p',
      String(sippPort),
      '-m',
      '1',
      '-timeout',
      '15s',
      '-timeout_error',
      ...(transport === 'tcp' ? ['-t', 't1'] : []),
    ];
    return { line, events, args };
  }

  it('answers on command', async () => {
    const { line, events, args } = await ringingLine();
    const sipp = startSipp(args('').slice(2).concat(['-sn', 'uac', '-d', '200']));
    const incoming = await events.waitFor('incoming');
    expect(incoming).toMatchObject({ remoteParty: 'sipp', remoteName: 'sipp' });
    await line.execute({ type: 'answer', lineCallId: incoming.lineCallId });
    const result = await sipp.done;
    expect(result.code, result.stdout).toBe(0);
    await events.waitFor('ended');
    expect(events.types(incoming.lineCallId)).toEqual(['incoming', 'answered', 'ended:remote:normal']);
  });

  it('reports a CANCEL as ended by the remote (a missed call)', async () => {
    const { events, args } = await ringingLine();
    const sipp = startSipp(args(scenario('uac-cancel.xml', { CANCEL_HEADERS: '' })));
    const incoming = await events.waitFor('incoming');
    expect(incoming).toMatchObject({ remoteParty: '4711', remoteName: 'Caller Name' });
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(await events.waitFor('ended')).toMatchObject({ lineCallId: incoming.lineCallId, by: 'remote', cause: 'normal' });
  });

  it('rejects a ringing call on hangup with 603', async () => {
    const { line, events, args } = await ringingLine();
    const sipp = startSipp(args(fixture('uac-rejected.xml')));
    const incoming = await events.waitFor('incoming');
    await line.execute({ type: 'hangup', lineCallId: incoming.lineCallId });
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(await events.waitFor('ended')).toMatchObject({ lineCallId: incoming.lineCallId, by: 'local', cause: 'rejected' });
  });
});
