/**
 * @callhook/phones: the desk-phone line (hardware telephone mode). callhook remote-controls a Snom,
 * Yealink or Grandstream desk phone over its HTTP API and turns the phone's Action URLs into line events,
 * or a Snom or Yealink phone over uaCSTA (ECMA-323 in SIP INFO, via @callhook/sip's CstaSession).
 */
export { deskphoneLinePlugin, lineSetupReply, registerSetupRoute, SETUP_ROUTE, type LineSetupReply, type SetupRouteHost } from './deskphone-line-plugin.js';
export { DeskPhoneLine, type DeskPhoneLineDeps } from './line/desk-phone-line.js';
export {
  DeskPhoneLineSchema,
  DeskPhoneCallbackSchema,
  DeskPhoneCstaSchema,
  accountOf,
  cstaOf,
  type DeskPhoneLineSettings,
  type DeskPhoneSettings,
} from './settings.js';
export { deskPhoneSetupText, eventSecret, eventBase, setupEntries } from './setup.js';
export {
  PHONE_EVENT_KINDS,
  PhoneCommandError,
  PhoneProblem,
  type PhoneCallRef,
  type PhoneCapabilities,
  type PhoneDriver,
  type PhoneEvent,
  type PhoneEventKind,
  type PhoneEventSink,
  type SetupEntry,
} from './driver.js';
export { createDriver } from './vendors/create-driver.js';
export { SnomDriver, SNOM_EVENT_SETTINGS, SNOM_EVENT_QUERY } from './vendors/snom.js';
export { YealinkDriver, YEALINK_EVENT_SETTINGS, YEALINK_EVENT_QUERY } from './vendors/yealink.js';
export { GrandstreamDriver, GRANDSTREAM_EVENT_SETTINGS, GRANDSTREAM_EVENT_PARAMS } from './vendors/grandstream.js';
export { PhoneHttp, PhoneUnreachable, type PhoneResponse, type PhoneHttpOptions } from './http/phone-http.js';
export { EventListeners, eventListeners, type EventRoute } from './events/event-listener.js';
export { parsePhoneEvent, partyOf, splitEventPath } from './events/parse-event.js';
export { CstaDriver, type CstaDriverOptions } from './csta/csta-driver.js';
export { createCstaDriver, type CstaDriverDeps } from './csta/create-csta-driver.js';
export { phoneEventOf, deviceMatcher } from './csta/csta-event-map.js';
export { cstaSetupText, cstaSetupSteps } from './csta/csta-setup.js';
