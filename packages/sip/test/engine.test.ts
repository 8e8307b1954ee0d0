import { randomFillSync } from 'node:crypto';
import { Engine, loadSettings, simulatorLine, standardSinks, type FetchRequest } from '@callhook/core';
import { describe, expect, it } from 'vitest';
import { createSipLine, sipLinePlugin, systemClock, type SipLineSettings } from '../src/index.js';
import { freePort } from './support/free-port.js';
import { mediaSink } from './support/media-sink.js';
import { scenario } from './support/scenario.js';
import { cleanupAfterEach, startUac } from './support/sip-line-under-sipp.js';
import { startSipp } from './support/sipp.js';
import { sleep, waitFor } from '@callhook/test-support';

const ACTIONS = ['inbound', 'outbound', 'connected', 'hold', 'disconnected'] as const;

async function engineOnSipLine() {
  const requests: FetchRequest[] = [];
  const settings = loadSettings(
    {
      actionUrls: {
        enabled: true,
        slots: ACTIONS.map((on) => ({ on, url: `http://receiver.test/${on}?a=<$action>&n=<$remote_party>&h=<$hold_state>&d=<$call_disposition>` })),
      },
      line: { type: 'sip', aor: 'sip:303@127.0.0.1', displayName: 'Desk' },
    },
    { linePlugins: [simulatorLine, sipLinePlugin] },
  );
  const lineSettings = settings.settings.lines[0]!;
  if (lineSettings.type !== 'sip') throw new Error('expected a sip line');
  const line = createSipLine(lineSettings as unknown as SipLineSettings);
  const engine = new Engine({
    lines: [{ id: 'default', line }],
    clock: systemClock,
    random: { fill: (bytes) => void randomFillSync(bytes) },
    sinks: standardSinks({ fetcher: { fetch: async (request) => (requests.push(request), { status: 200 }) }, browser: { open: async () => undefined } }),
    settings,
  });
  await engine.start();
  const fired = () =>
    requests
      .map((request) => new URL(request.url))
      .map((url) => `${url.searchParams.get('a')}:${url.searchParams.get('n')}:${url.searchParams.get('h')}:${url.searchParams.get('d')}`);
  return { engine, line, fired, requests };
}

describe('core Engine driving the SIP line', () => {
  const defer = cleanupAfterEach();

  it('files a call cancelled while ringing as missed', async () => {
    const { engine, line, fired } = await engineOnSipLine();
    defer(() => engine.stop(1_000));
    const sipp = await startUac(defer, `127.0.0.1:${line.localAddress!.port}`, {
      scenario: ['-sf', scenario('uac-cancel.xml', { CANCEL_HEADERS: '' })],
    });
    expect((await sipp.done).code).toBe(0);
    await waitFor(() => fired().length >= 2, 'two deliveries');
    expect(fired()).toEqual(['inbound:4711:off_hold:', 'disconnected:4711:off_hold:missed']);
    expect(engine.recentCalls()[0]).toMatchObject({
      direction: 'inbound',
      remoteParty: '4711',
      remoteAlias: '"Caller Name" (4711)',
      localParty: 'sip:303@127.0.0.1',
    });
  });

  it('files a call the PBX cancelled because another device answered (Reason: SIP;cause=200) as answered_elsewhere', async () => {
    const { engine, line, fired } = await engineOnSipLine();
    defer(() => engine.stop(1_000));
    const reason = '\nReason: SIP ;cause=200 ;text="Call completed elsewhere"';
    const sipp = await startUac(defer, `127.0.0.1:${line.localAddress!.port}`, {
      scenario: ['-sf', scenario('uac-cancel.xml', { CANCEL_HEADERS: reason })],
    });
    expect((await sipp.done).code).toBe(0);
    await waitFor(() => fired().length >= 2, 'two deliveries');
    expect(fired()).toEqual(['inbound:4711:off_hold:', 'disconnected:4711:off_hold:answered_elsewhere']);
  });

  it('places make_call through the line and fires outbound, connected, hold twice and disconnected', async () => {
    const sink = await mediaSink();
    const sippPort = await freePort();
    const sipp = startSipp([
      '-sf',
      scenario('uas-answer.xml', { MEDIA_PORT: sink.port, CODECS: '0 101' }, ['step-remote-hold.xml', 'step-send-bye.xml']),
      '-p',
      String(sippPort),
      '-i',
      '127.0.0.1',
      '-m',
      '1',
      '-timeout',
      '10s',
      '-timeout_error',
    ]);
    defer(() => sipp.kill());
    defer(() => sink.close());
    await sleep(200);
    const { engine, fired } = await engineOnSipLine();
    defer(() => engine.stop(1_000));
    const result = await engine.execute({ action: 'make_call', target: `sipp@127.0.0.1:${sippPort}`, force: false });
    expect(result.call).toMatchObject({ direction: 'outbound', remoteParty: 'sipp' });
    expect((await sipp.done).code).toBe(0);
    await waitFor(() => fired().length >= 5, 'five deliveries');
    expect(fired().map((entry) => entry.replace(/^(\w+):sipp:(\w*):.*$/, '$1:$2'))).toEqual([
      'outbound:off_hold',
      'connected:off_hold',
      'hold:on_hold',
      'hold:off_hold',
      'disconnected:off_hold',
    ]);
  });
});
