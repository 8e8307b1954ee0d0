import type { CallSnapshot, DeliveryRecord, InboundCommand, LineStatus, MaskedSettings, MaskedSettingsInput } from '@callhook/core';
import { ClientError, clientErrorFrom } from './client-error.js';
import type { CallLists, EngineClient, SaveResult, SlotTestRequest } from './engine-client.js';
import { subscribeEvents, type EventSourceFactory } from './event-stream.js';

export interface HttpClientOptions {
  /** Origin of the listener, e.g. `http://127.0.0.1:61234`; defaults to the page's own. */
  baseUrl?: string;
  /** `inbound.token`, when the listener has one. */
  token?: string | null;
  fetch?: typeof fetch;
  eventSource?: EventSourceFactory;
}

type Json = Record<string, unknown>;

/** The engine behind the server's control API (`/api/v1`) and its Server-Sent Events. */
export function createHttpClient(options: HttpClientOptions = {}): EngineClient {
  const base = (options.baseUrl ?? '').replace(/\/$/, '');
  const token = options.token ?? null;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function request(method: string, path: string, body?: unknown, anyStatus = false): Promise<Json> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ClientError('unreachable', `the engine at ${base || 'this address'} does not answer: ${(error as Error).message}`);
    }
    const payload = (await response.json().catch(() => ({}))) as Json;
    if (!anyStatus && (!response.ok || payload.ok === false)) throw clientErrorFrom(payload, response.status);
    return payload;
  }

  return {
    async getSettings() {
      return (await request('GET', '/api/v1/settings')).settings as MaskedSettings;
    },
    async saveSettings(settings: MaskedSettingsInput): Promise<SaveResult> {
      const result = await request('PUT', '/api/v1/settings', settings);
      const fields = Array.isArray(result.restartFields) ? result.restartFields.filter((f): f is string => typeof f === 'string') : [];
      return { settings: result.settings as MaskedSettings, restartRequired: result.restartRequired === true, restartFields: fields };
    },
    signedInToken: () => token,
    async getCalls(): Promise<CallLists> {
      const result = await request('GET', '/api/v1/calls');
      return { active: (result.active ?? []) as CallSnapshot[], recent: (result.recent ?? []) as CallSnapshot[] };
    },
    async getDeliveries() {
      return ((await request('GET', '/api/v1/deliveries')).deliveries ?? []) as DeliveryRecord[];
    },
    async getLineStatus() {
      // 503 means "line not ready" and still carries the line status.
      const health = await request('GET', '/healthz', undefined, true);
      if (typeof health.line !== 'object' || health.line === null) throw clientErrorFrom(health, null);
      return health.line as LineStatus;
    },
    async execute(command: InboundCommand) {
      return ((await request('POST', '/api/v1/commands', command)).call ?? null) as CallSnapshot | null;
    },
    async testSlot(test: SlotTestRequest) {
      return (await request('POST', '/api/v1/slots/test', test)).record as DeliveryRecord;
    },
    async replayDelivery(deliveryId: string) {
      return (await request('POST', `/api/v1/deliveries/${encodeURIComponent(deliveryId)}/replay`)).record as DeliveryRecord;
    },
    subscribe(listener, onConnection) {
      const query = token ? `?token=${encodeURIComponent(token)}` : '';
      return subscribeEvents(`${base}/api/v1/events${query}`, listener, onConnection, options.eventSource);
    },
  };
}
