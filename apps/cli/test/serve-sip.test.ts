import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe, type Served } from './support/cli.js';
import { startReceiver, waitFor } from '@callhook/test-support';
import { freeSipPort, runSippUac } from './support/sipp.js';

const CALLS = 5;
let served: Served | null = null;
afterEach(async () => {
  served?.child.kill('SIGTERM');
  await served?.exited;
  served = null;
});

describe('callhook serve with the SIP line (softphone mode)', () => {
  it.each(['udp', 'tcp'] as const)(
    'answers sipp calls over %s and fires inbound, connected and disconnected for each',
    async (transport) => {
      const receiver = await startReceiver();
      const sipPort = await freeSipPort();
      const dir = mkdtempSync(join(tmpdir(), 'callhook-serve-sip-'));
      const config = join(dir, 'callhook.json');
      writeFileSync(
        config,
        JSON.stringify({
          actionUrls: {
            enabled: true,
            slots: ['inbound', 'connected', 'disconnected'].map((on) => ({
              on,
              url: `${receiver.url}/${on}?guid=<$call_guid>&from=<$remote_party>&d=<$call_disposition>`,
            })),
          },
          inbound: { enabled: true, listen: ['127.0.0.1'] },
          line: { type: 'sip', aor: 'sip:303@127.0.0.1', port: sipPort, transport, autoAnswer: true, displayName: 'Michael' },
        }),
      );
      served = await startServe(['--config', config, '--data', ':memory:', '--port', '0', '--no-console'], 1);
      const health = await fetch(`${served.urls[0]}healthz`).then((r) => r.json() as Promise<{ line?: { state?: string } }>);
      expect(JSON.stringify(health)).toContain('ready');

      const sipp = await runSippUac(`127.0.0.1:${sipPort}`, '303', CALLS, transport === 'tcp' ? ['-t', 't1'] : []);
      expect(sipp.code, sipp.output).toBe(0);
      await waitFor(() => receiver.received.length >= CALLS * 3, `${CALLS * 3} Action URLs at the receiver`, 15_000);

      const byCall = new Map<string, string[]>();
      for (const request of receiver.received) {
        const url = new URL(request.url, receiver.url);
        const guid = url.searchParams.get('guid')!;
        byCall.set(guid, [...(byCall.get(guid) ?? []), `${url.pathname}:${url.searchParams.get('d')}`]);
        expect(url.searchParams.get('from')).toBe('sipp');
      }
      expect(byCall.size).toBe(CALLS);
      for (const actions of byCall.values()) expect(actions).toEqual(['/inbound:', '/connected:', '/disconnected:answered']);
      await receiver.close();
    },
    60_000,
  );
});
