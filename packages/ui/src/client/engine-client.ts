import type {
  Action,
  CallSnapshot,
  DeliveryRecord,
  EngineEvent,
  InboundCommand,
  LineStatus,
  MaskedSettings,
  MaskedSettingsInput,
  MaskedSlot,
} from '@callhook/core';

export interface CallLists {
  active: CallSnapshot[];
  recent: CallSnapshot[];
}

export interface SaveResult {
  /** The applied settings, secrets shown as `{"set": true}`. */
  settings: MaskedSettings;
  /** Some change waits for a restart (the listener's address or port, a line with calls on it). */
  restartRequired: boolean;
  /** The fields that wait for a restart, e.g. `inbound.port`, `lines[0].registrar`. */
  restartFields: string[];
}

export interface SlotTestRequest {
  /** Its secrets may be `{"set": true}`: the engine takes them from the saved slot at `index`. */
  slot: MaskedSlot;
  /** The slot's position in the saved settings. */
  index?: number;
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
  /**
   * The settings with every secret that is set shown as `{"set": true}` (the engine never hands a
   * secret out); send the marker back to keep it.
   */
  getSettings(): Promise<MaskedSettings>;
  /** Rejects with a `ClientError` whose `issues` name the bad fields. */
  saveSettings(settings: MaskedSettingsInput): Promise<SaveResult>;
  getCalls(): Promise<CallLists>;
  getDeliveries(): Promise<DeliveryRecord[]>;
  getLineStatus(): Promise<LineStatus>;
  execute(command: InboundCommand): Promise<CallSnapshot | null>;
  /** Fires one slot once against a sample call; resolves with the final delivery record. */
  testSlot(request: SlotTestRequest): Promise<DeliveryRecord>;
  replayDelivery(deliveryId: string): Promise<DeliveryRecord>;
  /**
   * The token this console signed in with (HTTP: from `#token=`), which is the listener's
   * `inbound.token`; null when it has none (the desktop's IPC needs none).
   */
  signedInToken(): string | null;
  /** Live engine events; returns the unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void, onConnection?: (state: ConnectionState) => void): () => void;
}
