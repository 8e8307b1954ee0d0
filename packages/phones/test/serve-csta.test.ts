import { startReceiver, waitFor } from '@callhook/test-support';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeCstaPhone } from './support/csta-rig.js';
import { startServe } from './support/serve.js';

const REMOTE = 'sip:+4930123@example.com';

describe('callhook serve with a csta deskphone line (uaCSTA)', () => {
  it('turns the phone’s CSTA events into Action URLs with <$local_party> = 987@example.com, drives MakeCall, and shows a refused phone’s fix as line status', async () => {
    const receiver = await startReceiver();
    const phone = await FakeCstaPhone.start();
    const refusing = await FakeCstaPhone.start({ refuseInvite: 403 });
    const served: { stop(): Promise<void> }[] = [];
    try {
      const dir = mkdtempSync(join(tmpdir(), 'callhook-csta-'));
      const config = join(dir, 'callhook.json');
      const query = 'guid=<$call_guid>&lp=<$local_party>&la=<$local_alias>&rp=<$remote_party>&line=<$line_id>&d=<$call_disposition>';
      const line = (id: string, uri: string) => ({
        id,
        type: 'deskphone',
        vendor: 'snom',
        protocol: 'csta',
        url: 'http://127.0.0.1',
        password: 'pw',
        account: '987@example.com',
        csta: { uri, listen: '127.0.0.1' },
      });
      writeFileSync(
        config,
        JSON.stringify({
          actionUrls: {
            enabled: true,
            slots: ['inbound', 'outbound', 'connected', 'disconnected'].map((on) => ({ on, url: `${receiver.url}/${on}?${query}` })),
          },
          inbound: { enabled: true, listen: ['127.0.0.1'], actions: { make_call: true } },
          lines: [line('desk-csta', phone.uri), line('desk-refused', refusing.uri)],
        }),
      );
      const serve = await startServe(['--config', config, '--data', ':memory:', '--port', '0', '--no-console']);
      served.push(serve);
      const base = serve.url;
      type Lines = { lines: { id: string; status: { state: string; detail: string } }[] };
      const lines = async () => ((await fetch(`${base}api/v1/lines`).then((r) => r.json())) as Lines).lines;
      await waitFor(
        async () => {
          const now = await lines();
          return now.find((l) => l.id === 'desk-csta')?.status.state === 'ready' && now.find((l) => l.id === 'desk-refused')?.status.state === 'failed';
        },
        'the csta line ready and the refused one failed',
        30_000,
      );
      const refused = (await lines()).find((l) => l.id === 'desk-refused')!;
      expect(refused.status.detail).toContain('403');
      expect(refused.status.detail).toContain('csta_control');
      const health = await fetch(`${base}healthz`).then((r) => r.text());
      expect(health).toContain('uaCSTA session with');
      expect(health).toContain('csta_control');

      // A call in, answered at the phone, ended by the caller.
      const inbound = await phone.ring(REMOTE);
      await waitFor(() => receiver.received.some((r) => r.url.startsWith('/inbound')), 'the inbound Action URL', 15_000);
      await phone.sendEvent({
        type: 'Established',
        callId: inbound,
        device: phone.device,
        subject: phone.device,
        calling: REMOTE,
        called: phone.device,
        state: 'connected',
        cause: 'normal',
      });
      await waitFor(() => receiver.received.some((r) => r.url.startsWith('/connected')), 'the connected Action URL', 15_000);
      phone.calls.delete(inbound);
      await phone.sendEvent({ type: 'ConnectionCleared', callId: inbound, device: phone.device, subject: REMOTE, state: 'null', cause: 'normalClearing' });
      await waitFor(() => receiver.received.some((r) => r.url.startsWith('/disconnected')), 'the disconnected Action URL', 15_000);

      // A call placed through callhook: MakeCall as 987@example.com; the far end answers and hangs up.
      const placed = await fetch(`${base}?action=make_call&target=420&line=desk-csta`);
      expect(placed.status).toBe(200);
      const request = await phone.waitForRequests('MakeCall');
      expect((request.fields as Record<string, unknown>)['callingDevice']).toBe('987@example.com');
      const outbound = [...phone.calls.keys()].at(-1)!;
      await phone.sendEvent({
        type: 'Established',
        callId: outbound,
        device: phone.device,
        subject: 'sip:420@example.com',
        calling: phone.device,
        called: 'sip:420@example.com',
        state: 'connected',
        cause: 'normal',
      });
      await waitFor(() => receiver.received.filter((r) => r.url.startsWith('/connected')).length === 2, 'the second connected Action URL', 15_000);
      phone.calls.delete(outbound);
      await phone.sendEvent({
        type: 'ConnectionCleared',
        callId: outbound,
        device: phone.device,
        subject: 'sip:420@example.com',
        state: 'null',
        cause: 'normalClearing',
      });
      await waitFor(() => receiver.received.filter((r) => r.url.startsWith('/disconnected')).length === 2, 'the second disconnected Action URL', 15_000);

      const got = receiver.received.map((r) => {
        const url = new URL(r.url, receiver.url);
        return { on: url.pathname.slice(1), ...Object.fromEntries(url.searchParams) } as Record<string, string>;
      });
      expect(got.map((g) => g.on)).toEqual(['inbound', 'connected', 'disconnected', 'outbound', 'connected', 'disconnected']);
      for (const g of got) expect(g).toMatchObject({ lp: '987@example.com', la: '987@example.com', line: 'desk-csta' });
      expect(got[0]).toMatchObject({ rp: '+4930123' });
      expect(got[2]).toMatchObject({ d: 'answered' });
      expect(got[3]).toMatchObject({ rp: '420' });
      expect(new Set(got.slice(0, 3).map((g) => g.guid)).size).toBe(1);
      expect(new Set(got.slice(3).map((g) => g.guid)).size).toBe(1);
      expect(got[0]!.guid).not.toBe(got[3]!.guid);
    } finally {
      for (const s of served) await s.stop();
      await phone.close();
      await refusing.close();
      await receiver.close();
    }
  }, 90_000);
});
