import type { Action, CallSnapshot, DeliveryRecord, EngineEvent, InboundCommand, LineStatus, Settings, SettingsInput, Slot } from '@callhook/core';

export interface CallLists {
  active: CallSnapshot[];
  recent: CallSnapshot[];
}

export interface SaveResult {
  settings: Settings;
  /** Some change waits for a restart (the listener's address or port, a line with calls on it). */
  restartRequired: boolean;
  /** The fields that wait for a restart, e.g. `inbound.port`, `lines[0].registrar`. */
  restartFields: string[];
}

export interface SlotTestRequest {
  slot: Slot;
  action: Action;
  /** The sample call the preview shows; the slot is expanded against it. */
  call: CallSnapshot;
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * Everything the console needs from an engine. Two implementations: the server's control API over
 * HTTP + Server-Sent Events, and the Electron preload bridge.
 */
export interface EngineClient {
  getSettings(): Promise<Settings>;
  /** Rejects with a `ClientError` whose `issues` name the bad fields. */
  saveSettings(settings: SettingsInput): Promise<SaveResult>;
  getCalls(): Promise<CallLists>;
  getDeliveries(): Promise<DeliveryRecord[]>;
  getLineStatus(): Promise<LineStatus>;
  execute(command: InboundCommand): Promise<CallSnapshot | null>;
  /** Fires one slot once against a sample call; resolves with the final delivery record. */
  testSlot(request: SlotTestRequest): Promise<DeliveryRecord>;
  replayDelivery(deliveryId: string): Promise<DeliveryRecord>;
  /** Live engine events; returns the unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void, onConnection?: (state: ConnectionState) => void): () => void;
}
