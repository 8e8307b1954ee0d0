export { buildApp, type AppDeps } from './app/build-app.js';
export { EventStreams, DEFAULT_MAX_SUBSCRIBERS, DEFAULT_MAX_BUFFERED_BYTES, type EventStreamLimits, type EventStreamStats } from './routes/event-streams.js';
export { startServer, type RunningServer, type ServerOptions } from './runtime/start-server.js';
export { demoSettings, generateToken } from './runtime/demo-settings.js';
export { createLine, createLines, type LineBuildDeps } from './lines/create-lines.js';
export { editionLimits, pluginOf, type ServerEdition, type ServerLinePlugin } from './lines/server-edition.js';
export { headlessEdition } from './lines/headless-edition.js';
export { simulatorLinePlugin } from './lines/simulator-plugin.js';
export { registerSimulatorRoutes } from './routes/simulator-routes.js';
export { lineTypesOf, listLines, type LineTypeInfo, type ListedLine } from './routes/lines-route.js';
export { listenAll, urlFor, type Listeners, type ListenerLimits, type HttpTimeouts } from './runtime/listeners.js';
export { ConnectionGuard, peerKey, type ConnectionLimits, type ConnectionStats } from './runtime/connection-guard.js';
export { exposureProblem, isLoopbackAddress, refuseExposedListener } from './runtime/exposure.js';
export { UndiciFetcher, USER_AGENT, type UndiciFetcherOptions } from './delivery/undici-fetcher.js';
export { trustedCertificates, type CaOption } from './delivery/trust-store.js';
export { SIGNATURE_HEADER, signatureHeader, verifySignature } from './delivery/signature.js';
export { SqliteJournal, type SqliteJournalOptions } from './journal/sqlite-journal.js';
export type { WorkerMemory } from './journal/journal-protocol.js';
export { PostgresJournal, DEFAULT_LEASE_MS, type PostgresJournalOptions } from './journal/postgres-journal.js';
export { memoryHistory, type History } from './journal/history.js';
export {
  createJournal,
  JOURNAL_FACTORIES,
  journalSpecOf,
  type JournalFactory,
  type JournalHooks,
  type JournalSpec,
  type ServerJournal,
} from './journal/journal-factory.js';
export { defaultDataDir, journalFile } from './journal/data-dir.js';
export { SettingsFile, unsavedSettings, type SettingsStore } from './settings/settings-file.js';
export { writeFileAtomic } from './settings/atomic-write.js';
export { EchoStore, type EchoRecord } from './routes/echo-store.js';
export { ServerError, SERVER_ERROR_STATUS, type ServerErrorCode } from './http/http-error.js';
export { CORE_ERROR_STATUS } from './http/error-status.js';
export { errorResponse, type ErrorBody } from './http/error-handler.js';
export { judgeBrowserRequest, isTrustedHost, type BrowserVerdict } from './gate/browser-origin.js';
export { AllowList } from './gate/allow-list.js';
export { presentedToken, tokenAccepted, tokensMatch } from './gate/token-check.js';
export { systemClock, cryptoRandom } from '@callhook/node';
export { streamLogger, type StreamLoggerOptions } from './adapters/stream-logger.js';
export { redactText, redactUrl } from './adapters/redact.js';
export { desktopBrowser, headlessBrowser, hasDesktopSession, NoBrowserError } from './adapters/browser-opener.js';
export { deliverOnce, deliveryDeadline, type DeliverySubmitter } from './console/deliver-once.js';
export { testSlot, type SlotTest } from './console/slot-test.js';
export { replayDelivery } from './console/replay-delivery.js';
export { findLoggedDelivery } from './console/find-logged.js';
export { inboundRestartFields, needsRestart, updateSettings, type SettingsUpdate, type SettingsUpdateContext } from './console/settings-update.js';
export { planLineChanges, type LineChanges } from './console/line-changes.js';
export { ConsoleCommandSchema, SlotTestSchema } from './contract/command-schema.js';
export {
  API,
  createApiClient,
  routePath,
  ApiResponseError,
  type ApiClient,
  type ApiRequest,
  type ApiTransport,
  type RouteContract,
  type RouteName,
  type RequestOf,
  type ResponseOf,
} from './contract/index.js';
