import { CallhookError, loadSettings, maskSettings, SettingsSchema, type InboundCommand } from '@callhook/core';
import { IPC_CHANNELS } from '@callhook/ui/bridge';
import { describe, expect, it } from 'vitest';
import { registerIpcHandlers, trustedSender, type ConsoleBackend } from '../src/main/ipc-handlers.js';
import type { SlotTest } from '@callhook/server';
import { FakeIpcMain } from './support/fakes.js';

function backend() {
  const commands: InboundCommand[] = [];
  const tests: SlotTest[] = [];
  let settings = SettingsSchema.parse({});
  const api: ConsoleBackend = {
    getSettings: () => maskSettings(settings),
    async saveSettings(input) {
      settings = loadSettings(input).settings;
      return { settings: maskSettings(settings), restartRequired: false, restartFields: [] };
    },
    getCalls: async () => ({ active: [], recent: [] }),
    getDeliveries: async () => [],
    getLineStatus: () => ({ state: 'ready', detail: 'simulated line' }),
    getLineTypes: () => [{ type: 'deskphone', secrets: ['password'], schema: { type: 'object' }, setup: true }],
    getLines: () => [{ id: 'desk-12', type: 'deskphone', status: { state: 'failed', detail: '401 from the phone: check the password' }, setup: true }],
    getLineSetup(lineId) {
      if (lineId !== 'desk-12') throw new CallhookError('no_such_line', `no desk-phone line "${lineId}"; desk-phone lines: desk-12`);
      return { line: lineId, vendor: 'snom', text: 'On the phone:\n' };
    },
    execute: async (command) => (commands.push(command), null),
    testSlot: async (test) => (tests.push(test), { deliveryId: 't' } as never),
    replayDelivery: async () => ({ deliveryId: 'r' }) as never,
  };
  return { api, commands, tests };
}

describe('registerIpcHandlers', () => {
  it('registers one handler per preload method', () => {
    const ipc = new FakeIpcMain();
    const off = registerIpcHandlers(ipc, backend().api, () => true);
    const { engineEvent: _pushOnly, ...invoked } = IPC_CHANNELS;
    expect([...ipc.handlers.keys()].sort()).toEqual(Object.values(invoked).sort());
    off();
    expect(ipc.handlers.size).toBe(0);
  });

  it('passes a command that fits core’s shape and refuses one that does not', async () => {
    const ipc = new FakeIpcMain();
    const { api, commands } = backend();
    registerIpcHandlers(ipc, api, () => true);
    await expect(ipc.invoke(IPC_CHANNELS.execute, { action: 'make_call', target: '123' })).resolves.toEqual({ ok: true, value: null });
    expect(commands).toEqual([{ action: 'make_call', target: '123', force: false }]);
    const refused = await ipc.invoke(IPC_CHANNELS.execute, { action: 'make_call', target: '123', shell: 'rm -rf /' });
    expect(refused).toMatchObject({ ok: false, code: 'bad_request' });
    await expect(ipc.invoke(IPC_CHANNELS.execute, { action: 'format_disk' })).resolves.toMatchObject({ ok: false, code: 'bad_request' });
    expect(commands).toHaveLength(1);
  });

  it('checks dial targets and call references with the same rules as the control API', async () => {
    const ipc = new FakeIpcMain();
    const { api, commands } = backend();
    registerIpcHandlers(ipc, api, () => true);
    await expect(ipc.invoke(IPC_CHANNELS.execute, { action: 'make_call', target: 'x' })).resolves.toMatchObject({ ok: false, code: 'invalid_target' });
    await expect(ipc.invoke(IPC_CHANNELS.execute, { action: 'hangup', call: 'not-a-guid' })).resolves.toMatchObject({ ok: false, code: 'bad_request' });
    await expect(ipc.invoke(IPC_CHANNELS.execute, { action: 'dtmf', digits: '1a#' })).resolves.toMatchObject({ ok: true });
    expect(commands).toEqual([{ action: 'dtmf', digits: '1A#', call: null }]);
  });

  it("checks a delivery id to replay with the control API route's own rule", async () => {
    const ipc = new FakeIpcMain();
    const { api } = backend();
    const replayed: string[] = [];
    api.replayDelivery = async (id) => (replayed.push(id), { deliveryId: id }) as never;
    registerIpcHandlers(ipc, api, () => true);
    await expect(ipc.invoke(IPC_CHANNELS.replayDelivery, '')).resolves.toMatchObject({ ok: false, code: 'bad_request' });
    await expect(ipc.invoke(IPC_CHANNELS.replayDelivery, 'x'.repeat(513))).resolves.toMatchObject({ ok: false, code: 'bad_request' });
    await expect(ipc.invoke(IPC_CHANNELS.replayDelivery, 'g:inbound:0:1')).resolves.toMatchObject({ ok: true });
    expect(replayed).toEqual(['g:inbound:0:1']);
  });

  it("hands out the line types, every line's status and a desk-phone line's setup text; a bad line id is refused before the backend sees it", async () => {
    const ipc = new FakeIpcMain();
    const { api } = backend();
    const asked: string[] = [];
    const setup = api.getLineSetup.bind(api);
    api.getLineSetup = (id) => (asked.push(id), setup(id));
    registerIpcHandlers(ipc, api, () => true);
    await expect(ipc.invoke(IPC_CHANNELS.getLineTypes)).resolves.toMatchObject({ ok: true, value: [{ type: 'deskphone', secrets: ['password'] }] });
    await expect(ipc.invoke(IPC_CHANNELS.getLines)).resolves.toMatchObject({ ok: true, value: [{ id: 'desk-12', status: { state: 'failed' } }] });
    await expect(ipc.invoke(IPC_CHANNELS.getLineSetup, 'desk-12')).resolves.toEqual({
      ok: true,
      value: { line: 'desk-12', vendor: 'snom', text: 'On the phone:\n' },
    });
    await expect(ipc.invoke(IPC_CHANNELS.getLineSetup, 'desk-13')).resolves.toEqual({
      ok: false,
      code: 'no_such_line',
      message: 'no desk-phone line "desk-13"; desk-phone lines: desk-12',
    });
    for (const bad of ['', '../x', 'x'.repeat(33), 42]) {
      await expect(ipc.invoke(IPC_CHANNELS.getLineSetup, bad)).resolves.toMatchObject({ ok: false, code: 'bad_request' });
    }
    expect(asked).toEqual(['desk-12', 'desk-13']);
  });

  it('returns every settings issue, template errors included, with their field paths', async () => {
    const ipc = new FakeIpcMain();
    registerIpcHandlers(ipc, backend().api, () => true);
    const result = await ipc.invoke(IPC_CHANNELS.saveSettings, {
      inbound: { port: 70000 },
      actionUrls: { slots: [{ on: 'inbound', url: 'http://h/?x=<$nope>' }] },
    });
    expect(result).toMatchObject({
      ok: false,
      code: 'invalid_settings',
      issues: [
        { path: 'inbound.port', message: 'port must be 1–65535, got 70000' },
        { path: 'actionUrls.slots[0].url', message: expect.stringContaining('unknown placeholder "<$nope>"') },
      ],
    });
  });

  it('checks a slot test against core’s slot and call schemas', async () => {
    const ipc = new FakeIpcMain();
    const { api, tests } = backend();
    registerIpcHandlers(ipc, api, () => true);
    const bad = await ipc.invoke(IPC_CHANNELS.testSlot, { slot: { on: 'inbound', url: 'http://h/' }, action: 'inbound', call: { guid: 'x' } });
    expect(bad).toMatchObject({ ok: false, code: 'bad_request' });
    expect(tests).toEqual([]);
  });

  it('masks credentials an error quotes before it reaches the renderer', async () => {
    const ipc = new FakeIpcMain();
    const { api } = backend();
    api.getLineStatus = () => {
      throw new Error('cannot reach sip:303:hunter2@pbx.example.com with Authorization: Bearer abc');
    };
    registerIpcHandlers(ipc, api, () => true);
    await expect(ipc.invoke(IPC_CHANNELS.getLineStatus)).resolves.toEqual({
      ok: false,
      code: 'internal_error',
      message: 'cannot reach sip:303:***@pbx.example.com with Authorization: Bearer ***',
    });
  });

  it('refuses IPC from any frame but the console', async () => {
    const ipc = new FakeIpcMain();
    registerIpcHandlers(ipc, backend().api, trustedSender(['http://localhost:5173']));
    await expect(ipc.invoke(IPC_CHANNELS.getSettings)).resolves.toMatchObject({ ok: false, code: 'forbidden' });
    const trust = trustedSender(['file://', 'http://localhost:5173']);
    expect(trust({ senderFrame: { url: 'http://localhost:5173/#calls' } })).toBe(true);
    expect(trust({ senderFrame: { url: 'https://evil.example/' } })).toBe(false);
    expect(trust({ senderFrame: null })).toBe(false);
  });
});
