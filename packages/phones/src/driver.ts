/**
 * The seam between the desk-phone line and one way of talking to a phone. The HTTP drivers (Snom,
 * Yealink, Grandstream) implement it over the phone's remote-control URLs and the line hears their
 * events on its event-URL listener; the uaCSTA driver (ECMA-323 over SIP INFO, `CstaSession` in
 * @callhook/sip) brings its own event channel (`open`/`close`) and feeds a `PhoneEventSink`.
 */

/** What a phone reports about a call, vendor-neutral. */
export type PhoneEventKind = 'incoming' | 'outgoing' | 'connected' | 'disconnected' | 'missed' | 'rejected' | 'remote_canceled' | 'hold' | 'unhold' | 'idle';

export const PHONE_EVENT_KINDS: readonly PhoneEventKind[] = [
  'incoming',
  'outgoing',
  'connected',
  'disconnected',
  'missed',
  'rejected',
  'remote_canceled',
  'hold',
  'unhold',
  'idle',
];

/** One event from the phone (an Action URL it fetched, a polled state or, later, a CSTA event). */
export interface PhoneEvent {
  kind: PhoneEventKind;
  /** The phone's id of the call (`$call-id`, `$call_id`, a CSTA callID); null when the vendor sends none. */
  phoneCallId: string | null;
  /** The remote party's number or SIP user part; null when not given. */
  remoteParty: string | null;
  /** The remote party's display name; null when not given. */
  remoteName: string | null;
}

/** A call as the driver needs it for a command. */
export interface PhoneCallRef {
  phoneCallId: string | null;
  direction: 'incoming' | 'outgoing';
  /** `ringing`: incoming not answered; `alerting`: outgoing not answered. */
  state: 'ringing' | 'alerting' | 'connected' | 'held';
}

/** What a driver can do; the line refuses what is false with a precise error. */
export interface PhoneCapabilities {
  /** Commands can name a call (Yealink `ASW:<call_id>`, CSTA); false: keys act on the phone's focused call. */
  addressesCalls: boolean;
  /** Blind transfer with a verified request; false: refused. */
  transfer: boolean;
  /** DTMF with a verified request; false: refused. */
  dtmf: boolean;
  /** `pollIdle` tells whether the phone has no call (Grandstream `api-get_line_status`). */
  pollsLineState: boolean;
  /** Rejecting a ringing call fires no event (Snom: a CANCEL-reject sends no Action URL): the line ends the call itself. */
  silentReject: boolean;
}

/**
 * Why the phone cannot be used now, for the line status: `failed` (it answers but refuses us: login,
 * allow-list, model) or `unregistered` (not reachable). `detail` names the fix.
 */
export class PhoneProblem extends Error {
  constructor(
    readonly state: 'failed' | 'unregistered',
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'PhoneProblem';
  }
}

/** A command the phone refused or that this driver cannot carry out; `message` says why and what to do. */
export class PhoneCommandError extends Error {
  constructor(
    message: string,
    /** True when the driver does not support the command at all (rather than the phone refusing it now). */
    readonly unsupported = false,
  ) {
    super(message);
    this.name = 'PhoneCommandError';
  }
}

/** One setting to enter on the phone (or that `provision` writes). */
export interface SetupEntry {
  /** The vendor's setting name (provisioning name or web UI path). */
  setting: string;
  value: string;
  /** Whether the vendor docs available confirm this setting; false: marked [unverified] in the setup text. */
  verified: boolean;
}

/** Where a driver with its own event channel (uaCSTA) delivers what the phone reports. Never throws. */
export interface PhoneEventSink {
  /** One call event, vendor-neutral (duplicates and reordering are the line's to tolerate). */
  event(event: PhoneEvent): void;
  /** The channel's state changed (up, refused, lost): the line re-checks it with `probe()` now. */
  statusChanged(): void;
}

/** One way of controlling a phone. Every method rejects with `PhoneProblem` or `PhoneCommandError` only. */
export interface PhoneDriver {
  readonly vendor: string;
  readonly capabilities: PhoneCapabilities;
  /** Checks that the phone answers and takes our login; rejects with `PhoneProblem`. */
  probe(): Promise<void>;
  /**
   * Places a call from the phone to `number` as identity `account` (`user@domain`). Resolves with
   * the phone's id of the new call when the protocol returns one (CSTA MakeCall), else nothing.
   */
  dial(number: string, account: string): Promise<string | void>;
  answer(call: PhoneCallRef): Promise<void>;
  hangup(call: PhoneCallRef): Promise<void>;
  hold(call: PhoneCallRef): Promise<void>;
  unhold(call: PhoneCallRef): Promise<void>;
  transfer(call: PhoneCallRef, target: string): Promise<void>;
  dtmf(call: PhoneCallRef, digits: string): Promise<void>;
  /** True when the phone has no call at all (only with `capabilities.pollsLineState`). */
  pollIdle?(): Promise<boolean>;
  /**
   * The phone's ids of the calls it has now (uaCSTA SnapshotDevice; only with
   * `capabilities.pollsLineState`): open calls not in the answer are closed by the line.
   */
  pollCalls?(): Promise<ReadonlySet<string>>;
  /**
   * Opens the driver's own event channel (uaCSTA session) instead of the line's event-URL listener;
   * events and status changes go to `sink`. Rejects with `PhoneProblem` when it cannot start at all.
   */
  open?(sink: PhoneEventSink): Promise<void>;
  /** Closes what `open` opened. Never rejects. */
  close?(): Promise<void>;
  /** Writes the event-URL settings on the phone, where its HTTP API allows (Snom). */
  provision?(entries: readonly SetupEntry[]): Promise<void>;
  /** The phone settings that make it call callhook back: event URLs under `eventBase` (…/phone/<secret>). */
  eventSetup(eventBase: string): SetupEntry[];
  /** Other steps on the phone (allow-lists, prompts), one sentence each. */
  setupSteps(callbackHost: string): string[];
}
