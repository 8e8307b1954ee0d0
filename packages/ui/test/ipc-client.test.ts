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
