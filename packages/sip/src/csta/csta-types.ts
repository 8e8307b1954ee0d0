import type { CstaEdition } from './csta-namespaces.js';

/**
 * A connection: one device's part in one call (ECMA-269 "Connection identifier"; ECMA-323 element
 * `ConnectionID` with `callID` and `deviceID`). Call ids are opaque strings: Snom numbers its calls
 * with negative integers (`<callID>-12</callID>`), others use hex or text.
 */
export interface ConnectionId {
  callId: string;
  deviceId: string;
}

/** ECMA-323 `autoOriginate` of MakeCall: whether the phone goes off-hook by itself or prompts its user. */
export type AutoOriginate = 'prompt' | 'doNotPrompt';

/**
 * The CSTA requests callhook sends to a uaCSTA phone (ECMA-269 service names; ECMA-323 element
 * names as the request's root). Sent in the body of a SIP INFO (ECMA TR/87 §7.2).
 */
export type CstaRequest =
  /** ECMA-269 "Request System Status"; the body of the session-opening INVITE (ECMA TR/87 §7.1). */
  | { service: 'RequestSystemStatus' }
  /** ECMA-269 "Monitor Start" on a device: the phone then sends events (ECMA TR/87 §7.3). */
  | { service: 'MonitorStart'; device: string }
  /** ECMA-269 "Monitor Stop" (Snom since firmware 8.7.4). */
  | { service: 'MonitorStop'; monitorCrossRefId: string }
  /** ECMA-269 "Snapshot Device": the calls at a device and their states. */
  | { service: 'SnapshotDevice'; device: string }
  /** ECMA-269 "Make Call" from `callingDevice` (Snom: "user_name@pbx of a configured identity"). */
  | { service: 'MakeCall'; callingDevice: string; calledDirectoryNumber: string; autoOriginate?: AutoOriginate }
  /** ECMA-269 "Answer Call". */
  | { service: 'AnswerCall'; callToBeAnswered: ConnectionId }
  /** ECMA-269 "Clear Connection" (hang up, or reject a ringing call). */
  | { service: 'ClearConnection'; connectionToBeCleared: ConnectionId }
  /** ECMA-269 "Hold Call". */
  | { service: 'HoldCall'; callToBeHeld: ConnectionId }
  /** ECMA-269 "Retrieve Call". */
  | { service: 'RetrieveCall'; callToBeRetrieved: ConnectionId }
  /** ECMA-269 "Single Step Transfer Call" (blind transfer). */
  | { service: 'SingleStepTransferCall'; activeCall: ConnectionId; transferredTo: string }
  /** ECMA-269 "Generate Digits" (DTMF): characters 0-9 * # A-D. */
  | { service: 'GenerateDigits'; connectionToSendDigits: ConnectionId; charactersToSend: string };

/** The name of a request callhook sends. */
export type CstaService = CstaRequest['service'];

/** One call at a device in a SnapshotDevice answer (ECMA-323 `snapshotDeviceResponseInfo`). */
export interface SnapshotCall {
  connection: ConnectionId;
  /** `localConnectionState` (`null`, `initiated`, `alerting`, `connected`, `hold`, `queued`, `fail`), if given. */
  localConnectionState: string | undefined;
}

/** What each request's positive answer carries (ECMA-323 `…Response` elements). */
export interface CstaResults {
  RequestSystemStatus: { systemStatus: string };
  MonitorStart: { monitorCrossRefId: string; monitorExistingCalls: boolean | undefined };
  MonitorStop: Record<string, never>;
  SnapshotDevice: { calls: SnapshotCall[] };
  MakeCall: { callingDevice: ConnectionId };
  AnswerCall: Record<string, never>;
  ClearConnection: Record<string, never>;
  HoldCall: Record<string, never>;
  RetrieveCall: Record<string, never>;
  /** Snom/Yealink shape unverified: `transferredCall` is read when present. */
  SingleStepTransferCall: { transferredCall: ConnectionId | undefined };
  GenerateDigits: Record<string, never>;
}

/** A positive response of any service, tagged with its service. */
export type CstaPositiveResponse = { [S in CstaService]: { kind: 'response'; service: S; edition: CstaEdition; result: CstaResults[S] } }[CstaService];

/**
 * A negative response (ECMA-323 `CSTAErrorCode`): `category` is the child element
 * (`operation`, `security`, `stateIncompatibility`, `systemResourceAvailability`,
 * `subscribedResourceAvailability`, `performanceManagement`, `privateData`, `unspecified`) and
 * `value` its text (e.g. `invalidCallID`).
 */
export interface CstaNegativeResponse {
  kind: 'error';
  edition: CstaEdition;
  category: string;
  value: string;
}

/** The call events callhook reads (ECMA-269 call control events; ECMA-323 `…Event` elements). */
export type CstaEventType = 'Delivered' | 'Established' | 'Held' | 'Retrieved' | 'ConnectionCleared' | 'Originated' | 'Failed' | 'ServiceInitiated';

/**
 * A call event from the phone (ECMA TR/87 §7.3: INFO from the phone in the CSTA dialog).
 * `subjectDevice` is the event's own device: Delivered `alertingDevice`, Established
 * `answeringDevice`, Held `holdingDevice`, Retrieved `retrievingDevice`, ConnectionCleared
 * `releasingDevice`, Originated `callingDevice`, Failed `failingDevice`, ServiceInitiated
 * `initiatingDevice`. Devices given as `notKnown`/`restricted`/… are undefined.
 */
export interface CstaEvent {
  kind: 'event';
  type: CstaEventType;
  edition: CstaEdition;
  /** The monitor the event belongs to (mandatory in ECMA-323; undefined when a phone omits it). */
  monitorCrossRefId: string | undefined;
  /** The connection the event is about (Delivered `connection`, Established `establishedConnection`, …). */
  connection: ConnectionId;
  subjectDevice: string | undefined;
  callingDevice: string | undefined;
  calledDevice: string | undefined;
  /** ECMA-269 local connection state after the event (`alerting`, `connected`, `hold`, `null`, …). */
  localConnectionInfo: string | undefined;
  /** ECMA-269 event cause (`newCall`, `normalClearing`, `busy`, `callNotAnswered`, `singleStepTransfer`, …). */
  cause: string | undefined;
}

/** Anything a phone sends that callhook reads. */
export type CstaMessage = CstaPositiveResponse | CstaNegativeResponse | CstaEvent;
