import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, type Served } from './support/cli.js';
import { startReceiver, waitFor } from '@callhook/test-support';
import { freeSipPort, runSippUac } from './support/sipp.js';

let served: Served | null = null;
afterEach(async () => {
  served?.child.kill('SIGTERM');
  await served?.exited;
  served = null;
});

describe('callhook serve with two lines of different types', () => {
  it('fires Action URLs whose <$line_id> names the line of the call, and takes make_call&line=', async () => {
    const receiver = await startReceiver();
    const sipPort = await freeSipPort();
    const dir = mkdtempSync(join(tmpdir(), 'callhook-serve-lines-'));
    const config = join(dir, 'callhook.json');
    writeFileSync(
      config,
      JSON.stringify({
        actionUrls: {
          enabled: true,
          slots: [
            { on: 'inbound', url: `${receiver.url}/inbound?line=<$line_id>&from=<$remote_party>` },
            { on: 'outbound', url: `${receiver.url}/outbound?line=<$line_id>&to=<$remote_party>` },
          ],
        },
        inbound: { enabled: true, listen: ['127.0.0.1'], actions: { make_call: true } },
        lines: [
          { id: 'demo', type: 'simulator', answerAfterMs: null },
          { id: 'desk-12', type: 'sip', aor: 'sip:303@127.0.0.1', port: sipPort, autoAnswer: true },
        ],
      }),
    );
    served = await startServe(['--config', config, '--data', ':memory:', '--port', '0', '--no-console'], 1);
    const base = served.urls[0]!;
    const lines = await fetch(`${base}api/v1/lines`).then((r) => r.json() as Promise<{ lines: { id: string; type: string; status: { state: string } }[] }>);
    expect(lines.lines.map((l) => [l.id, l.type, l.status.state])).toEqual([
      ['demo', 'simulator', 'ready'],
      ['desk-12', 'sip', 'ready'],
    ]);

    const sipp = await runSippUac(`127.0.0.1:${sipPort}`, '303', 1, []);
    expect(sipp.code, sipp.output).toBe(0);
    await waitFor(() => receiver.received.some((r) => r.url.startsWith('/inbound')), 'the inbound Action URL of the SIP call', 15_000);

    const placed = await fetch(`${base}?action=make_call&target=555&line=demo`);
    expect(placed.status).toBe(200);
    expect(await placed.json()).toMatchObject({ call: { lineId: 'demo', remoteParty: '555' } });
    await waitFor(() => receiver.received.some((r) => r.url.startsWith('/outbound')), 'the outbound Action URL', 15_000);
    const unknown = await fetch(`${base}?action=make_call&target=556&line=desk-13`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'no_such_line', message: 'no line "desk-13"; lines: demo, desk-12' });

    expect(receiver.received.map((r) => r.url)).toEqual(['/inbound?line=desk-12&from=sipp', '/outbound?line=demo&to=555']);
    await receiver.close();
  }, 60_000);
});
