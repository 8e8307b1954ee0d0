import { isCallhookError, maskCredentials, SettingsError, type InboundCommand } from '@callhook/core';
import type { ApiRoutes, LINE_SETUP_ROUTE, RequestOf, ResponseOf, RouteName } from '@callhook/server/contract';
import { IPC_CHANNELS, type BridgeResult, type CallhookBridge } from '@callhook/ui/bridge';
import * as z from 'zod';
import type { IpcInvokeEvent, IpcMainPort } from './electron-ports.js';
import { CommandSchema, DeliveryIdSchema, LineIdSchema, SlotTestSchema } from './ipc-schemas.js';
import type { SlotTest } from '@callhook/server';

/** What control API route `N` answers (`@callhook/server/contract`); IPC hands out the same values. */
type Answer<N extends RouteName> = ResponseOf<ApiRoutes[N]>;

/**
 * What the console may ask of the engine host; payloads arrive already checked. Each method mirrors a
 * control API route and is typed from that route's contract, so IPC and HTTP hand the console the same
 * shapes.
 */
export interface ConsoleBackend {
  /** Secrets are write-only: every one that is set reads `{"set": true}` (`GET /api/v1/settings`). */
  getSettings(): Answer<'getSettings'>['settings'];
  /**
   * Puts the stored secret back for each `{"set": true}`, validates with the edition's settings schema
   * (throws SettingsError naming the bad fields), applies what can be applied live and answers the
   * result masked again; `restartFields` names what waits for a restart.
   */
  saveSettings(input: unknown): Promise<Pick<Answer<'saveSettings'>, 'settings' | 'restartRequired' | 'restartFields'>>;
  /** Reads the journal, hence a Promise. */
  getCalls(): Promise<Pick<Answer<'listCalls'>, 'active' | 'recent'>>;
  getDeliveries(): Promise<Answer<'listDeliveries'>['deliveries']>;
  /** The first line's status, as `/healthz` reports it. */
  getLineStatus(): Answer<'health'>['line'];
  /** The edition's line types with their settings' JSON Schema (`GET /api/v1/line-types`), for the Lines editor. */
  getLineTypes(): Answer<'listLineTypes'>['types'];
  /** Every line with its type and status (`GET /api/v1/lines`); the tray shows them. */
  getLines(): Answer<'listLines'>['lines'];
  /**
   * The setup text of running desk-phone line `lineId` (`GET /api/v1/lines/:id/setup`); throws
   * `no_such_line` naming the desk-phone lines for any other id.
   */
  getLineSetup(lineId: RequestOf<typeof LINE_SETUP_ROUTE>['params']['id']): Omit<ResponseOf<typeof LINE_SETUP_ROUTE>, 'ok'>;
  execute(command: InboundCommand): Promise<Answer<'execute'>['call']>;
  testSlot(test: SlotTest): Promise<Answer<'testSlot'>['record']>;
  replayDelivery(deliveryId: RequestOf<ApiRoutes['replayDelivery']>['params']['id']): Promise<Answer<'replayDelivery'>['record']>;
}

type Method = Exclude<keyof CallhookBridge, 'onEngineEvent'>;

/** An error as the renderer sees it: issues with their paths, codes, and messages with credentials masked. */
export function toBridgeError(error: unknown): BridgeResult<never> {
  if (error instanceof SettingsError) return { ok: false, code: error.code, message: error.message, issues: error.issues };
  if (error instanceof z.ZodError) {
    const issues = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    return { ok: false, code: 'bad_request', message: 'the request does not fit its schema', issues };
  }
  if (isCallhookError(error)) return { ok: false, code: error.code, message: maskCredentials(error.message) };
  return { ok: false, code: 'internal_error', message: maskCredentials(error instanceof Error ? error.message : String(error)) };
}

/**
 * One handler per preload method. Each checks that the sender is the app's own renderer, parses its
 * payload with core's zod schemas, and answers with a BridgeResult (Electron would flatten a thrown
 * error into a bare message).
 */
export function registerIpcHandlers(ipc: IpcMainPort, backend: ConsoleBackend, isTrustedSender: (event: IpcInvokeEvent) => boolean): () => void {
  const routes: Record<Method, (args: unknown[]) => unknown> = {
    getSettings: () => backend.getSettings(),
    saveSettings: ([input]) => backend.saveSettings(input),
    getCalls: () => backend.getCalls(),
    getDeliveries: () => backend.getDeliveries(),
    getLineStatus: () => backend.getLineStatus(),
    getLineTypes: () => backend.getLineTypes(),
    getLines: () => backend.getLines(),
    getLineSetup: ([id]) => backend.getLineSetup(LineIdSchema.parse(id)),
    execute: ([command]) => backend.execute(CommandSchema.parse(command)),
    testSlot: ([test]) => backend.testSlot(SlotTestSchema.parse(test)),
    replayDelivery: ([id]) => backend.replayDelivery(DeliveryIdSchema.parse(id)),
  };
  for (const [method, route] of Object.entries(routes) as [Method, (args: unknown[]) => unknown][]) {
    ipc.handle(IPC_CHANNELS[method], async (event, ...args) => {
      if (!isTrustedSender(event)) return { ok: false, code: 'forbidden', message: 'IPC from a frame that is not the callhook console' };
      try {
        return { ok: true, value: await route(args) };
      } catch (error) {
        return toBridgeError(error);
      }
    });
  }
  return () => {
    for (const method of Object.keys(routes) as Method[]) ipc.removeHandler(IPC_CHANNELS[method]);
  };
}

/** Only the app's own page: the bundled renderer (file:) or, in development, the dev server's origin. */
export function trustedSender(allowedOrigins: readonly string[]): (event: IpcInvokeEvent) => boolean {
  return (event) => {
    const url = event.senderFrame?.url;
    if (!url) return false;
    if (url.startsWith('file://')) return allowedOrigins.includes('file://');
    try {
      return allowedOrigins.includes(new URL(url).origin);
    } catch {
      return false;
    }
  };
}
