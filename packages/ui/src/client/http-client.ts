import type { InboundCommand, MaskedSettingsInput } from '@callhook/core';
import { ApiResponseError, createApiClient, LINE_SETUP_ROUTE, routePath, type ApiTransport } from '@callhook/server/contract';
import { ClientError, clientErrorFrom, errorMessage } from './client-error.js';
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

/**
 * The engine behind the server's control API (`/api/v1`) and its Server-Sent Events. Every answer is
 * parsed with its route's response schema from `@callhook/server/contract`; one that does not fit is a
 * `ClientError` with code `unexpected_response`.
 */
export function createHttpClient(options: HttpClientOptions = {}): EngineClient {
  const base = (options.baseUrl ?? '').replace(/\/$/, '');
  const token = options.token ?? null;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  const transport: ApiTransport = async ({ method, path, body, alsoAnswers }) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new ClientError('unreachable', `the engine at ${base || 'this address'} does not answer: ${errorMessage(error)}`);
    }
    const payload: unknown = await response.json().catch(() => ({}));
    if (!response.ok && !alsoAnswers.includes(response.status)) throw clientErrorFrom(payload, response.status);
    return payload;
  };
  const api = createApiClient(transport);
  /** Runs one API call; an answer outside the contract becomes a ClientError like any other refusal. */
  const send = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ApiResponseError) throw new ClientError(error.code, error.message, error.issues);
      throw error;
    }
  };

  return {
    async getSettings() {
      return (await send(() => api.getSettings())).settings;
    },
    async saveSettings(settings: MaskedSettingsInput): Promise<SaveResult> {
      const { settings: saved, persisted, restartRequired, restartFields } = await send(() => api.saveSettings({ body: settings }));
      return { settings: saved, persisted, restartRequired, restartFields };
    },
    signedInToken: () => token,
    async getCalls(query): Promise<CallLists> {
      const { active, recent } = await send(() => api.listCalls(query?.limit === undefined ? undefined : { query: { limit: query.limit } }));
      return { active, recent };
    },
    async getDeliveries(query) {
      return (await send(() => api.listDeliveries(query ? { query: { limit: query.limit, call: query.call } } : undefined))).deliveries;
    },
    async getLineStatus() {
      // 503 means "line not ready" and still carries the line status.
      return (await send(() => api.health())).line;
    },
    async getLineTypes() {
      return (await send(() => api.listLineTypes())).types;
    },
    async getLines() {
      return (await send(() => api.listLines())).lines;
    },
    async getLineSetup(lineId: string) {
      // Not in the typed client: the deskphone plugin registers the route (see LINE_SETUP_ROUTE).
      const payload = await transport({ method: LINE_SETUP_ROUTE.method, path: routePath(LINE_SETUP_ROUTE.path, { id: lineId }), alsoAnswers: [] });
      const parsed = LINE_SETUP_ROUTE.response.safeParse(payload);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
        throw new ClientError('unexpected_response', `GET ${LINE_SETUP_ROUTE.path} answered a body this console does not understand`, issues);
      }
      return { line: parsed.data.line, vendor: parsed.data.vendor, text: parsed.data.text };
    },
    async execute(command: InboundCommand) {
      return (await send(() => api.execute({ body: command }))).call;
    },
    async testSlot(test: SlotTestRequest) {
      return (await send(() => api.testSlot({ body: test }))).record;
    },
    async replayDelivery(deliveryId: string) {
      return (await send(() => api.replayDelivery({ params: { id: deliveryId } }))).record;
    },
    subscribe(listener, onConnection) {
      const query = token ? `?token=${encodeURIComponent(token)}` : '';
      return subscribeEvents(`${base}/api/v1/events${query}`, listener, onConnection, options.eventSource);
    },
  };
}
