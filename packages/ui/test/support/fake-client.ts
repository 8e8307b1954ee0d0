import {
  loadSettings,
  maskSettings,
  restoreSecrets,
  SettingsSchema,
  SPEC_EXAMPLE_CALL,
  type CallSnapshot,
  type DeliveryRecord,
  type EngineEvent,
  type InboundCommand,
  type MaskedSettingsInput,
  type Settings,
} from '@callhook/core';
import type { DeliveryQuery, EngineClient, SlotTestRequest } from '../../src/client/engine-client.js';

/**
 * An in-memory engine for component tests: records what the console asks and emits events on demand.
 * Like the real engines it hands out secrets as {"set": true} and puts the stored value back on save.
 */
export class FakeClient implements EngineClient {
  /** What the engine stores (real secrets). */
  settings: Settings = SettingsSchema.parse({});
  /** What the console sent, markers and all. */
  saved: MaskedSettingsInput[] = [];
  token: string | null = null;
  commands: InboundCommand[] = [];
  tests: SlotTestRequest[] = [];
  replays: string[] = [];
  active: CallSnapshot[] = [];
  recent: CallSnapshot[] = [];
  deliveries: DeliveryRecord[] = [];
  saveError: Error | null = null;
  restartFields: string[] = [];
  private listeners = new Set<(event: EngineEvent) => void>();

  async getSettings() {
    return structuredClone(maskSettings(this.settings));
  }
  async saveSettings(settings: MaskedSettingsInput) {
    if (this.saveError) throw this.saveError;
    this.saved.push(structuredClone(settings));
    this.settings = loadSettings(restoreSecrets(settings, this.settings)).settings;
    return { settings: structuredClone(maskSettings(this.settings)), restartRequired: this.restartFields.length > 0, restartFields: this.restartFields };
  }
  signedInToken() {
    return this.token;
  }
  async getCalls() {
    return { active: this.active, recent: this.recent };
  }
  /** The queries of every `getDeliveries` that passed one. */
  deliveryQueries: DeliveryQuery[] = [];
  async getDeliveries(query?: DeliveryQuery) {
    if (query) this.deliveryQueries.push(query);
    return this.deliveries;
  }
  async getLineStatus() {
    return { state: 'ready' as const, detail: 'fake line' };
  }
  async execute(command: InboundCommand) {
    this.commands.push(command);
    return null;
  }
  async testSlot(request: SlotTestRequest): Promise<DeliveryRecord> {
    this.tests.push(request);
    return record({ url: request.slot.url });
  }
  async replayDelivery(deliveryId: string) {
    this.replays.push(deliveryId);
    return record({ deliveryId });
  }
  subscribe(listener: (event: EngineEvent) => void, onConnection?: (state: 'open') => void) {
    this.listeners.add(listener);
    onConnection?.('open');
    return () => this.listeners.delete(listener);
  }
  emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

export function record(patch: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    deliveryId: 'g:inbound:0:1',
    callGuid: 'g',
    action: 'inbound',
    slot: 0,
    url: 'http://127.0.0.1:9/in',
    mode: 'http',
    attempt: 1,
    outcome: 'delivered',
    status: 200,
    latencyMs: 12,
    error: null,
    at: 1_700_000_000_000,
    final: true,
    ...patch,
  };
}

export function call(patch: Partial<CallSnapshot> = {}): CallSnapshot {
  return { ...SPEC_EXAMPLE_CALL, guid: '0190f5c2-0000-7000-8000-000000000001', ...patch };
}
