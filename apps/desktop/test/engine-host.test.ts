import { silentLogger, SlotSchema } from '@callhook/core';
import { SAMPLE_CALL } from '@callhook/ui';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEngineHost, type EngineHost } from '../src/main/engine-host.js';

let dir: string;
let host: EngineHost | null = null;
let receiver: Server;
let receiverUrl: string;
const received: string[] = [];
const authorizations: (string | undefined)[] = [];
const opened: string[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callhook-desktop-'));
  received.length = 0;
  authorizations.length = 0;
  receiver = createServer((req, res) => (received.push(req.url ?? ''), authorizations.push(req.headers.authorization), res.end('ok')));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await host?.stop();
  host = null;
  await new Promise((resolve) => receiver.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const start = () => startEngineHost({ userDataDir: dir, browser: { open: async (url) => void opened.push(url) }, logger: silentLogger });

describe('startEngineHost (simulated line, real server pieces, temporary user data)', () => {
  it('creates default settings in the user data directory and runs the line', async () => {
    host = await start();
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject({
      inbound: { enabled: false },
      lines: [{ id: 'default', type: 'simulator' }],
    });
    expect(host.backend.getLineStatus()).toEqual({ state: 'ready', detail: 'simulated line' });
  });

  it('has no call audio on the simulated line (the console shows "no audio on this line")', async () => {
    host = await start();
    const call = await host.backend.execute({ action: 'make_call', target: '123', force: false });
    expect(call).not.toBeNull();
    expect(host.callAudio(call!.guid)).toBeNull();
    expect(host.callAudio('no-such-call')).toBeNull();
  });

  it('saves settings to the file and applies them live', async () => {
    host = await start();
    const slot = { on: 'outbound', url: `${receiverUrl}/out?to=<$remote_party>`, active: true };
    const result = await host.backend.saveSettings({ actionUrls: { enabled: true, slots: [slot] } });
    expect(result).toMatchObject({ restartRequired: false, restartFields: [] });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).actionUrls.slots[0].url).toBe(slot.url);
    const events: string[] = [];
    host.onEvent((event) => event.type === 'delivery' && events.push(event.record.outcome));
    await host.backend.execute({ action: 'make_call', target: '123', force: false });
    // The deadline bounds a hang only; a busy machine may take seconds to deliver.
    const until = Date.now() + 60_000;
    while (received.length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual(['/out?to=123']);
    expect((await host.backend.getCalls()).active).toHaveLength(1);
  });

  it('tests a slot against the sample call, and replays a logged delivery', async () => {
    host = await start();
    const slot = SlotSchema.parse({ on: 'inbound', url: `${receiverUrl}/t?n=<$remote_alias>` });
    const record = await host.backend.testSlot({ slot, action: 'inbound', call: SAMPLE_CALL });
    expect(record).toMatchObject({ outcome: 'delivered', status: 200 });
    expect(received).toEqual(['/t?n=%22Michael%20D785%22%20(420)']);
    const logged = (await host.backend.getDeliveries()).find((d) => d.deliveryId === record.deliveryId);
    expect(logged).toBeDefined();
    await expect(host.backend.replayDelivery(record.deliveryId)).resolves.toMatchObject({ outcome: 'delivered' });
    expect(received).toHaveLength(2);
  });

  it('shows the renderer secrets as {"set": true} only, keeps them when sent back, and tests a slot with them', async () => {
    host = await start();
    const slot = { on: 'inbound', url: `${receiverUrl}/s`, headers: { Authorization: 'Bearer desktop-secret' }, secret: 'desktop-signing-secret-01' };
    const saved = await host.backend.saveSettings({ actionUrls: { enabled: true, slots: [slot] }, inbound: { token: 'desktop-token-0123456789' } });
    const shown = host.backend.getSettings();
    for (const view of [saved.settings, shown]) {
      expect(JSON.stringify(view)).not.toMatch(/desktop-secret|desktop-signing|desktop-token/);
      expect(view.actionUrls.slots[0]).toMatchObject({ headers: { Authorization: { set: true } }, secret: { set: true } });
      expect(view.inbound.token).toEqual({ set: true });
    }
    await host.backend.saveSettings(JSON.parse(JSON.stringify(shown)));
    const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    expect(file.actionUrls.slots[0]).toMatchObject({ headers: { Authorization: 'Bearer desktop-secret' }, secret: 'desktop-signing-secret-01' });
    expect(file.inbound.token).toBe('desktop-token-0123456789');
    const record = await host.backend.testSlot({ slot: shown.actionUrls.slots[0]!, index: 0, action: 'inbound', call: SAMPLE_CALL });
    expect(record).toMatchObject({ outcome: 'delivered' });
    expect(authorizations).toEqual(['Bearer desktop-secret']);
  });

  it('opens "show in browser" slots through the guarded opener', async () => {
    host = await start();
    const slot = SlotSchema.parse({ on: 'inbound', url: 'https://crm.example.com/c?n=<$remote_party>', openInBrowser: true });
    await expect(host.backend.testSlot({ slot, action: 'inbound', call: SAMPLE_CALL })).resolves.toMatchObject({ outcome: 'opened' });
    expect(opened).toEqual(['https://crm.example.com/c?n=420']);
  });

  it('runs a desk-phone line added from the console: its types, its status with the fix, and its setup text over the backend', async () => {
    host = await start();
    expect(host.backend.getLineTypes().map((t) => t.type)).toEqual(['simulator', 'sip', 'deskphone']);
    expect(host.backend.getLineTypes().find((t) => t.type === 'deskphone')).toMatchObject({
      secrets: ['password'],
      setup: true,
      schema: { properties: { callback: { type: 'object' } } },
    });
    // A "phone" that refuses the login: its web server answers 401 to everything.
    const phone = createServer((_req, res) => res.writeHead(401, { 'www-authenticate': 'Basic realm="phone"' }).end());
    await new Promise<void>((resolve) => phone.listen(0, '127.0.0.1', resolve));
    try {
      const callbackPort = await freePort();
      const desk = {
        id: 'desk-12',
        type: 'deskphone',
        vendor: 'snom',
        url: `http://127.0.0.1:${(phone.address() as AddressInfo).port}`,
        password: 'wrong',
        account: '987@example.com',
        callback: { listen: '127.0.0.1', port: callbackPort, url: `http://127.0.0.1:${callbackPort}` },
      };
      await host.backend.saveSettings({ lines: [{ id: 'default', type: 'simulator' }, desk] });
      // The deadline bounds a hang only: the line probes its phone once it started.
      const until = Date.now() + 60_000;
      const deskStatus = () => host!.backend.getLines().find((l) => l.id === 'desk-12')?.status;
      while (deskStatus()?.state !== 'failed' && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      // Which lines offer "Set up phone" comes from their plugins, over IPC as over HTTP.
      expect(host.backend.getLines().map((l) => [l.id, l.type, l.setup])).toEqual([
        ['default', 'simulator', false],
        ['desk-12', 'deskphone', true],
      ]);
      expect(deskStatus()).toMatchObject({
        state: 'failed',
        detail: expect.stringContaining('401 from the phone: check username and password in the line settings'),
      });

      const setup = host.backend.getLineSetup('desk-12');
      expect(setup).toMatchObject({ line: 'desk-12', vendor: 'snom' });
      expect(setup.text).toContain(`action_incoming_url = http://127.0.0.1:${callbackPort}/phone/`);
      expect(() => host!.backend.getLineSetup('default')).toThrow('no desk-phone line "default"; desk-phone lines: desk-12');
    } finally {
      await host.stop();
      host = null;
      phone.closeAllConnections();
      await new Promise((resolve) => phone.close(resolve));
    }
  });
});

/** A port free right now on 127.0.0.1 (the desk-phone line listens there for its phone's events). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
