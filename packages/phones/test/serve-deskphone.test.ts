import { startReceiver, waitFor } from '@callhook/test-support';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeSnom } from '../src/testing/fake-snom.js';
import { freePort } from './support/free-port.js';
import { startServe } from './support/serve.js';

describe('callhook serve with a deskphone line (hardware telephone mode)', () => {
  it("turns a fake Snom's calls into Action URLs with <$local_party> = <$local_alias> = 987@example.com, and drives the phone with make_call", async () => {
    const receiver = await startReceiver();
    const phone = await new FakeSnom({ password: 'pw' }).start();
    const served: { stop(): Promise<void> }[] = [];
    try {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), 'callhook-deskphone-'));
      const config = join(dir, 'callhook.json');
      const query = 'guid=<$call_guid>&lp=<$local_party>&la=<$local_alias>&rp=<$remote_party>&ra=<$remote_alias>&line=<$line_id>&d=<$call_disposition>';
      writeFileSync(
        config,
        JSON.stringify({
          actionUrls: {
            enabled: true,
            slots: ['inbound', 'outbound', 'connected', 'disconnected'].map((on) => ({ on, url: `${receiver.url}/${on}?${query}` })),
          },
          inbound: { enabled: true, listen: ['127.0.0.1'], actions: { make_call: true } },
          lines: [
            {
              id: 'desk-12',
              type: 'deskphone',
              vendor: 'snom',
              protocol: 'http',
              url: phone.url,
              username: 'admin',
              password: 'pw',
              account: '987@example.com',
              callback: { listen: '127.0.0.1', port, url: `http://127.0.0.1:${port}` },
              provision: true,
            },
          ],
        }),
      );
      const serve = await startServe(['--config', config, '--data', ':memory:', '--port', '0', '--no-console']);
      served.push(serve);
      const base = serve.url;
      await waitFor(
        async () => {
          const lines = (await fetch(`${base}api/v1/lines`).then((r) => r.json())) as { lines: { id: string; type: string; status: { state: string } }[] };
          return lines.lines[0]?.status.state === 'ready';
        },
        'the desk-phone line ready',
        30_000,
      );
      const health = await fetch(`${base}healthz`).then((r) => r.text());
      expect(health).toContain('watching the snom phone');
      expect(phone.eventUrls.get('action_incoming_url')).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/phone/[A-Za-z0-9_-]{32}/incoming\\?`));
      const setup = (await fetch(`${base}api/v1/lines/desk-12/setup`).then((r) => r.json())) as { text: string };
      expect(setup.text).toContain(phone.eventUrls.get('action_connected_url'));

      // A call in, picked up at the phone, ended by the caller.
      const inbound = phone.ringIn('+4930123', 'Michael D785');
      await waitFor(() => receiver.received.some((r) => r.url.startsWith('/inbound')), 'the inbound Action URL', 15_000);
      phone.pickUp(inbound);
      await waitFor(() => receiver.received.some((r) => r.url.startsWith('/connected')), 'the connected Action URL', 15_000);
      phone.remoteHangup(inbound);
      await waitFor(() => receiver.received.some((r) => r.url.startsWith('/disconnected')), 'the disconnected Action URL', 15_000);

      // A call placed through callhook: the phone dials as 987@example.com, the far end answers and hangs up.
      phone.onDial = (call, p) => {
        setTimeout(() => p.remoteAnswer(call), 50);
        setTimeout(() => p.remoteHangup(call), 200);
      };
      const placed = await fetch(`${base}?action=make_call&target=420&line=desk-12`);
      expect(placed.status).toBe(200);
      await waitFor(() => receiver.received.filter((r) => r.url.startsWith('/disconnected')).length === 2, 'the second disconnected Action URL', 15_000);
      expect([...phone.calls.values()][1]).toMatchObject({ number: '420', outgoingUri: '987@example.com' });

      const got = receiver.received.map((r) => {
        const url = new URL(r.url, receiver.url);
        return { on: url.pathname.slice(1), ...Object.fromEntries(url.searchParams) } as Record<string, string>;
      });
      expect(got.map((g) => g.on)).toEqual(['inbound', 'connected', 'disconnected', 'outbound', 'connected', 'disconnected']);
      for (const g of got) expect(g).toMatchObject({ lp: '987@example.com', la: '987@example.com', line: 'desk-12' });
      expect(got[0], JSON.stringify(receiver.received[0]!.url)).toMatchObject({ rp: '+4930123', ra: '"Michael D785" (+4930123)' });
      expect(got[2]).toMatchObject({ d: 'answered' });
      expect(got[3]).toMatchObject({ rp: '420' });
      expect(new Set(got.slice(0, 3).map((g) => g.guid)).size).toBe(1);
      expect(new Set(got.slice(3).map((g) => g.guid)).size).toBe(1);
      expect(got[0]!.guid).not.toBe(got[3]!.guid);
    } finally {
      for (const s of served) await s.stop();
      await phone.close();
      await receiver.close();
    }
  }, 90_000);
});
