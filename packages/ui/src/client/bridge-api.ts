import type { CallSnapshot, DeliveryRecord, EngineEvent, InboundCommand, LineStatus, MaskedSettings, MaskedSettingsInput } from '@callhook/core';
import type { CallLists, LineReport, LineSetup, LineType, SaveResult, SlotTestRequest } from './engine-client.js';

/**
 * What the Electron preload exposes as `window.callhook`: one named method per IPC message. Errors
 * cross the bridge as `BridgeResult` values because Electron flattens thrown errors to a message.
 */
export interface CallhookBridge {
  /** Secrets that are set read `{"set": true}`. */
  getSettings(): Promise<BridgeResult<MaskedSettings>>;
  /** `{"set": true}` keeps a stored secret, a value replaces it, null/"" or a missing header removes it. */
  saveSettings(settings: MaskedSettingsInput): Promise<BridgeResult<SaveResult>>;
  getCalls(): Promise<BridgeResult<CallLists>>;
  getDeliveries(): Promise<BridgeResult<DeliveryRecord[]>>;
  getLineStatus(): Promise<BridgeResult<LineStatus>>;
  /** The edition's line types with their settings' JSON Schema, for the Lines editor. */
  getLineTypes(): Promise<BridgeResult<LineType[]>>;
  /** Every line with its type and status. */
  getLines(): Promise<BridgeResult<LineReport[]>>;
  /** The setup text of a running desk-phone line; `no_such_line` for any other id. */
  getLineSetup(lineId: string): Promise<BridgeResult<LineSetup>>;
  execute(command: InboundCommand): Promise<BridgeResult<CallSnapshot | null>>;
  testSlot(request: SlotTestRequest): Promise<BridgeResult<DeliveryRecord>>;
  replayDelivery(deliveryId: string): Promise<BridgeResult<DeliveryRecord>>;
  /** Returns the unsubscribe function. */
  onEngineEvent(listener: (event: EngineEvent) => void): () => void;
}

export type BridgeResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string; issues?: { path: string; message: string }[] };

/** The IPC channel names, shared by preload (sender) and main (handler). */
export const IPC_CHANNELS = {
  getSettings: 'callhook:settings:get',
  saveSettings: 'callhook:settings:save',
  getCalls: 'callhook:calls:list',
  getDeliveries: 'callhook:deliveries:list',
  getLineStatus: 'callhook:line:status',
  getLineTypes: 'callhook:line-types:list',
  getLines: 'callhook:lines:list',
  getLineSetup: 'callhook:line:setup',
  execute: 'callhook:command:execute',
  testSlot: 'callhook:slot:test',
  replayDelivery: 'callhook:delivery:replay',
  engineEvent: 'callhook:engine:event',
} as const;
