import { CstaRequestError, type ConnectionId, type CstaEvent, type CstaSession } from '@callhook/sip';
import {
  PhoneCommandError,
  PhoneProblem,
  type PhoneCallRef,
  type PhoneCapabilities,
  type PhoneDriver,
  type PhoneEventSink,
  type SetupEntry,
} from '../driver.js';
import { deviceMatcher, phoneEventOf } from './csta-event-map.js';

/** What a `CstaDriver` needs besides its session. */
export interface CstaDriverOptions {
  vendor: 'snom' | 'yealink';
  /** The monitored device (the session's phone URI); its user part identifies the phone in events. */
  device: string;
  /** The phone's identity as `user@domain` (MakeCall `callingDevice`, Snom: "user_name@pbx of a configured identity"). */
  account: string;
  /** The lines of `callhook phone setup` for this phone. */
  setupSteps: string[];
}

/**
 * A desk phone driven over uaCSTA (ECMA TR/87; ECMA-269 services as ECMA-323 XML in SIP INFO) through
 * `CstaSession` of @callhook/sip, for Snom (`csta_control`) and Yealink (`features.csta_control.enable`).
 * Every command names its call by connection id (callID + the phone's deviceID), so there is no
 * focused-call ambiguity: make_call = MakeCall, answer = AnswerCall, hangup = ClearConnection, hold =
 * HoldCall, unhold = RetrieveCall, transfer = SingleStepTransferCall, DTMF = GenerateDigits. The
 * phone's events arrive over the session (`open`) and go to the line's sink; calls are polled with
 * SnapshotDevice. Session status (up / refused / lost, with the fix) is read by `probe`.
 */
export class CstaDriver implements PhoneDriver {
  readonly capabilities: PhoneCapabilities = { addressesCalls: true, transfer: true, dtmf: true, pollsLineState: true, silentReject: false };
  readonly vendor: string;
  private readonly isUs: (device: string | undefined) => boolean;
  /** The phone's own connection of each call it reported (deviceID as the phone writes it). */
  private readonly connections = new Map<string, ConnectionId>();
  private unsubscribe: (() => void)[] = [];

  constructor(
    private readonly session: CstaSession,
    private readonly options: CstaDriverOptions,
  ) {
    this.vendor = options.vendor;
    const user = (uri: string) => uri.replace(/^sips?:/i, '').split(/[@;:]/)[0]!;
    this.isUs = deviceMatcher(user(options.device), user(options.account));
  }

  async open(sink: PhoneEventSink): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    this.unsubscribe = [
      this.session.onEvent((event) => this.receive(event, sink)),
      this.session.onStatus((status) => {
        if (status.state !== 'connecting') sink.statusChanged();
      }),
    ];
    try {
      await this.session.start();
    } catch (error) {
      throw new PhoneProblem(
        'failed',
        `cannot open the uaCSTA SIP socket (${error instanceof Error ? error.message : String(error)}): pick a free csta.port or an address of this computer for csta.listen`,
      );
    }
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    this.connections.clear();
    await this.session.stop();
  }

  /** Up: ok. Refused (403, 488, CSTA error): `failed` with the session's fix. Lost or re-opening: `unregistered`. */
  async probe(): Promise<void> {
    const status = this.session.status();
    if (status.state === 'up') return;
    const code = status.statusCode;
    const fields =
      code === 401 || code === 407
        ? ' (line settings: csta.username and password)'
        : code === 404 || code === 480
          ? ' (line setting: csta.uri)'
          : status.state === 'lost'
            ? ` (is the phone on and reachable at ${this.options.device}? line setting: csta.uri)`
            : '';
    throw new PhoneProblem(status.state === 'refused' ? 'failed' : 'unregistered', `uaCSTA session ${status.state}: ${status.detail}${fields}`);
  }

  async dial(number: string): Promise<string> {
    const connection = await this.command('MakeCall', () => this.session.makeCall(number, { callingDevice: this.options.account }));
    this.connections.set(connection.callId, connection);
    return connection.callId;
  }

  answer(call: PhoneCallRef): Promise<void> {
    return this.command('AnswerCall', () => this.session.answerCall(this.connectionOf(call)));
  }

  hangup(call: PhoneCallRef): Promise<void> {
    return this.command('ClearConnection', () => this.session.clearConnection(this.connectionOf(call)));
  }

  hold(call: PhoneCallRef): Promise<void> {
    return this.command('HoldCall', () => this.session.holdCall(this.connectionOf(call)));
  }

  unhold(call: PhoneCallRef): Promise<void> {
    return this.command('RetrieveCall', () => this.session.retrieveCall(this.connectionOf(call)));
  }

  async transfer(call: PhoneCallRef, target: string): Promise<void> {
    await this.command('SingleStepTransferCall', () => this.session.singleStepTransferCall(this.connectionOf(call), target));
  }

  dtmf(call: PhoneCallRef, digits: string): Promise<void> {
    return this.command('GenerateDigits', () => this.session.generateDigits(this.connectionOf(call), digits));
  }

  /** The phone's call ids now (ECMA-269 Snapshot Device on the monitored device). */
  async pollCalls(): Promise<ReadonlySet<string>> {
    const calls = await this.command('SnapshotDevice', () => this.session.snapshotDevice());
    return new Set(calls.map((call) => call.connection.callId));
  }

  /** uaCSTA needs no event URLs. */
  eventSetup(): SetupEntry[] {
    return [];
  }

  setupSteps(): string[] {
    return this.options.setupSteps;
  }

  private receive(event: CstaEvent, sink: PhoneEventSink): void {
    const mapped = phoneEventOf(event, this.isUs);
    if (this.isUs(event.connection.deviceId)) this.connections.set(event.connection.callId, event.connection);
    if (event.type === 'ConnectionCleared' && this.isUs(event.subjectDevice ?? event.connection.deviceId)) this.connections.delete(event.connection.callId);
    if (mapped) sink.event(mapped);
  }

  private connectionOf(call: PhoneCallRef): ConnectionId {
    if (call.phoneCallId === null) throw new PhoneCommandError('the phone has not reported the CSTA id of this call yet; try again when it rings or connects');
    return this.connections.get(call.phoneCallId) ?? { callId: call.phoneCallId, deviceId: this.options.device };
  }

  /** Runs one CSTA request; its failure becomes a PhoneCommandError naming the service and the phone's answer. */
  private async command<T>(service: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof PhoneCommandError) throw error;
      if (error instanceof CstaRequestError) {
        const why =
          error.code === 'not_up'
            ? `the uaCSTA session is not up (${error.message}); see the line status for the fix`
            : error.code === 'csta_error'
              ? `the phone refused it (${error.details.category ?? 'error'}: ${error.details.value ?? error.message})`
              : error.message;
        throw new PhoneCommandError(`${service}: ${why}`);
      }
      throw new PhoneCommandError(`${service} failed: ${String(error)}`);
    }
  }
}
