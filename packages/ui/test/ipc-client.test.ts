import { describe, expect, it } from 'vitest';
import type { CallhookBridge } from '../src/client/bridge-api.js';
import { ClientError } from '../src/client/client-error.js';
import { createIpcClient } from '../src/client/ipc-client.js';

describe('createIpcClient', () => {
  it('unwraps bridge results and rebuilds errors with their issues', async () => {
    const bridge = {
      getCalls: async () => ({ ok: true, value: { active: [], recent: [] } }),
      saveSettings: async () => ({ ok: false, code: 'invalid_settings', message: 'bad', issues: [{ path: 'inbound.port', message: 'too big' }] }),
      onEngineEvent: () => () => undefined,
    } as unknown as CallhookBridge;
    const client = createIpcClient(bridge);
    await expect(client.getCalls()).resolves.toEqual({ active: [], recent: [] });
    const error = await client.saveSettings({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'invalid_settings', issues: [{ path: 'inbound.port', message: 'too big' }] });
  });

  it("carries the line types, the lines and a desk-phone line's setup text over the bridge", async () => {
    const asked: string[] = [];
    const bridge = {
      getLineTypes: async () => ({ ok: true, value: [{ type: 'deskphone', secrets: ['password'], schema: {}, setup: true }] }),
      getLines: async () => ({ ok: true, value: [{ id: 'desk-12', type: 'deskphone', status: { state: 'ready', detail: 'phone answers' }, setup: true }] }),
      getLineSetup: async (id: string) => {
        asked.push(id);
        return id === 'desk-12'
          ? { ok: true, value: { line: 'desk-12', vendor: 'snom', text: 'On the phone:\n' } }
          : { ok: false, code: 'no_such_line', message: `no desk-phone line "${id}"` };
      },
    } as unknown as CallhookBridge;
    const client = createIpcClient(bridge);
    await expect(client.getLineTypes!()).resolves.toEqual([{ type: 'deskphone', secrets: ['password'], schema: {}, setup: true }]);
    await expect(client.getLines!()).resolves.toMatchObject([{ id: 'desk-12', status: { state: 'ready' } }]);
    await expect(client.getLineSetup!('desk-12')).resolves.toEqual({ line: 'desk-12', vendor: 'snom', text: 'On the phone:\n' });
    await expect(client.getLineSetup!('desk-13')).rejects.toMatchObject({ code: 'no_such_line' });
    expect(asked).toEqual(['desk-12', 'desk-13']);
  });

  it('rejects, never throws, when the preload lacks the line methods (an older desktop)', async () => {
    const client = createIpcClient({ onEngineEvent: () => () => undefined } as unknown as CallhookBridge);
    const pending = client.getLines!();
    await expect(pending).rejects.toBeInstanceOf(TypeError);
  });

  it('forwards engine events and reports the bridge as open until unsubscribed', () => {
    let listener: ((event: unknown) => void) | null = null;
    const bridge = { onEngineEvent: (l: (event: unknown) => void) => ((listener = l), () => (listener = null)) } as unknown as CallhookBridge;
    const seen: unknown[] = [];
    const states: string[] = [];
    const off = createIpcClient(bridge).subscribe(
      (e) => seen.push(e),
      (s) => states.push(s),
    );
    listener!({ type: 'line', status: { state: 'ready', detail: '' } });
    off();
    expect(seen).toHaveLength(1);
    expect(listener).toBeNull();
    expect(states).toEqual(['open', 'closed']);
  });
});
