import type { CallSnapshot, DeliveryRecord, EngineEvent, InboundCommand, LineStatus, MaskedSettings, MaskedSettingsInput } from '@callhook/core';
import type { ApiRoutes, LINE_SETUP_ROUTE, RequestOf, ResponseOf } from '@callhook/server/contract';

/** Active and recent calls, as `GET /api/v1/calls` answers them. */
export type CallLists = Pick<ResponseOf<ApiRoutes['listCalls']>, 'active' | 'recent'>;

/**
 * What a save answers (`PUT /api/v1/settings`): the applied settings (secrets as `{"set": true}`), whether
 * they were written to a settings file (false for the demo, which has none; the desktop leaves it out), and
 * whether some change waits for a restart, with the fields that do (`inbound.port`, `lines[0].registrar`).
 */
export type SaveResult = Pick<ResponseOf<ApiRoutes['saveSettings']>, 'settings' | 'restartRequired' | 'restartFields'> &
  Partial<Pick<ResponseOf<ApiRoutes['saveSettings']>, 'persisted'>>;

/**
 * The Test button's request (`POST /api/v1/slots/test`): the slot as it stands in the dialog (its
 * secrets may be `{"set": true}`, taken from the saved slot at `index`), the event and the sample call.
 */
export type SlotTestRequest = RequestOf<ApiRoutes['testSlot']>['body'];

/** Which deliveries to load: at most `limit` (1–1000, newest first), of one call when `call` is given. */
export type DeliveryQuery = NonNullable<RequestOf<ApiRoutes['listDeliveries']>['query']>;

/** One line type of the edition: its settings as JSON Schema and its write-only fields (`GET /api/v1/line-types`). */
export type LineType = ResponseOf<ApiRoutes['listLineTypes']>['types'][number];

/** One line of the engine with its type and status (`GET /api/v1/lines`); the status detail names the fix when it fails. */
export type LineReport = ResponseOf<ApiRoutes['listLines']>['lines'][number];

/** What to enter on a desk phone for one of its lines (`GET /api/v1/lines/:id/setup`): plain text, one setting a line. */
export type LineSetup = Omit<ResponseOf<typeof LINE_SETUP_ROUTE>, 'ok'>;

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
  /** Active calls and the most recent ended ones (the engine's default count when no `limit` is given, at most 1000). */
  getCalls(query?: { limit?: number }): Promise<CallLists>;
  /** The delivery log, newest first (the engine's default count when no `limit` is given). */
  getDeliveries(query?: DeliveryQuery): Promise<DeliveryRecord[]>;
  getLineStatus(): Promise<LineStatus>;
  /** The edition's line types, for the Lines editor; absent where the engine does not publish them. */
  getLineTypes?(): Promise<LineType[]>;
  /** Every line with its type and status, in settings order; absent where the engine does not report them. */
  getLines?(): Promise<LineReport[]>;
  /**
   * The setup text of running desk-phone line `lineId` (what to enter on the phone). Rejects with
   * `no_such_line` when no running desk-phone line has that id (not applied yet, or another type).
   */
  getLineSetup?(lineId: string): Promise<LineSetup>;
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
