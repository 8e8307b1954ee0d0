import { ClientError } from './client-error.js';
import type { BridgeResult, CallhookBridge } from './bridge-api.js';
import type { EngineClient } from './engine-client.js';

async function unwrap<T>(pending: Promise<BridgeResult<T>>): Promise<T> {
  const result = await pending;
  if (result.ok) return result.value;
  throw new ClientError(result.code, result.message, result.issues ?? []);
}

/** The engine behind the Electron preload bridge (`window.callhook`). */
export function createIpcClient(bridge: CallhookBridge): EngineClient {
  return {
    getSettings: () => unwrap(bridge.getSettings()),
    saveSettings: (settings) => unwrap(bridge.saveSettings(settings)),
    getCalls: () => unwrap(bridge.getCalls()),
    getDeliveries: () => unwrap(bridge.getDeliveries()),
    getLineStatus: () => unwrap(bridge.getLineStatus()),
    // Async: a preload without these methods rejects (the page shows it) instead of throwing in render code.
    getLineTypes: async () => unwrap(bridge.getLineTypes()),
    getLines: async () => unwrap(bridge.getLines()),
    getLineSetup: async (lineId) => unwrap(bridge.getLineSetup(lineId)),
    execute: (command) => unwrap(bridge.execute(command)),
    testSlot: (request) => unwrap(bridge.testSlot(request)),
    replayDelivery: (deliveryId) => unwrap(bridge.replayDelivery(deliveryId)),
    // The desktop's console talks IPC and signs in with nothing.
    signedInToken: () => null,
    subscribe(listener, onConnection) {
      const off = bridge.onEngineEvent(listener);
      onConnection?.('open');
      return () => {
        off();
        onConnection?.('closed');
      };
    },
  };
}
