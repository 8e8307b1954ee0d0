import { randomUUID } from 'node:crypto';
import { openWire, type Wire, type WirePeer } from './phone-wire.js';
import { waitFor } from '@callhook/test-support';
import type { CstaEdition } from '../../../src/index.js';
import { connectionXml, cstaXml, errorXml, eventXml, field, readRequest, type PhoneEvent, type PhoneRequest } from './csta-phone-xml.js';
import { buildSip, digestValid, header, hostPortOf, parseSip, tagOf, uriOf, type SipText } from './sip-text.js';

/** One call the fake phone knows (Snom numbers them with negative integers). */
export interface PhoneCall {
  callId: string;
  state: 'alerting' | 'connected' | 'hold';
  remote: string;
  digits: string;
}

/** Knobs of the fake phone. */
export interface FakePhoneOptions {
  /** The phone's own device id (deviceID in its answers and events). */
  device?: string;
  /** Answer the CSTA INVITE with this status instead of 200 (403, 488 …). */
  refuseInvite?: number;
  /** Digest-challenge the INVITE (Snom csta_challenge=1) or every request (=2). */
  challenge?: { username: string; password: string; scope: 'invite' | 'all' };
  /** Edition of the phone's answers and events (Snom: ed5). */
  edition?: CstaEdition;
  /** Answer every service in this map with the given CSTAErrorCode [category, value]. */
  failService?: Record<string, [string, string]>;
  /** Services whose answer comes in a following INFO, after an empty 200 OK. */
  answerInInfo?: string[];
  /** Impose an RFC 4028 session interval (seconds) with the UAC (callhook) as refresher. */
  sessionExpires?: number;
}

interface Dialog {
  callId: string;
  localTag: string;
  remoteTag: string;
  remoteUri: string;
  peer: WirePeer;
  cseq: number;
  confirmed: boolean;
}

const REALM = 'snom';

/**
 * A uaCSTA desk phone on a loopback UDP socket (or TCP listener), written from ECMA TR/87 and the Snom samples: it
 * takes the CSTA INVITE (answering RequestSystemStatusResponse in its 200 OK), answers each CSTA
 * request INFO in the 200 OK body, keeps a per-call state, and sends call events as INFO in the same
 * dialog. Hand-built SIP so tests can refuse, challenge, go silent and send broken bodies.
 */
export class FakeCstaPhone {
  readonly received: PhoneRequest[] = [];
  readonly invites: SipText[] = [];
  /** INFO requests the phone received, as sent. */
  readonly infos: SipText[] = [];
  readonly calls = new Map<string, PhoneCall>();
  /** Final statuses the session gave to the phone's INFOs, by CSeq. */
  readonly infoAnswers = new Map<number, number>();
  /** Dialogs by Call-ID (stale INVITE retransmissions of an abandoned attempt open their own). */
  private readonly dialogs = new Map<string, Dialog>();
  /** The Call-ID of the dialog that last started a monitor: where events go. */
  private monitored: string | undefined;
  /** While false the phone ignores every request (it is "gone"); `ignored` counts them. */
  answering = true;
  ignored = 0;
  /** BYEs the phone received. */
  byes = 0;
  /** Session refreshes (re-INVITEs in a known dialog) the phone received, and ACKs in all. */
  reinvites = 0;
  acks = 0;
  private nextCallId = -1;
  private crossRefId = 42;
  private readonly nonce = randomUUID().replace(/-/g, '');
  private sendQueue: Promise<unknown> = Promise.resolve();
  private readonly waiters = new Map<string, (status: number) => void>();
  readonly device: string;
  readonly edition: CstaEdition;

  private constructor(
    private readonly wire: Wire,
    readonly options: FakePhoneOptions,
  ) {
    this.port = wire.port;
    this.device = options.device ?? `sip:455455@127.0.0.1:${wire.port}`;
    this.edition = options.edition ?? 'ed5';
    wire.onMessage = (text, from) => this.receive(text, from);
  }

  readonly port: number;

  /** Starts a phone on `port` (0: any free one). */
  static async start(options: FakePhoneOptions = {}, port = 0, protocol: 'udp' | 'tcp' = 'udp'): Promise<FakeCstaPhone> {
    return new FakeCstaPhone(await openWire(protocol, port), options);
  }

  /** The CSTA dialog events go to (the one that last sent MonitorStart). */
  get dialog(): Dialog | undefined {
    return this.monitored === undefined ? undefined : this.dialogs.get(this.monitored);
  }

  /** The URI the session INVITEs. */
  get uri(): string {
    return `sip:455455@127.0.0.1:${this.port}${this.wire.protocol === 'TCP' ? ';transport=tcp' : ''}`;
  }

  /** Session attempts the phone was offered: initial INVITEs by distinct Call-ID (a UDP retransmission is not another attempt). */
  get sessionAttempts(): number {
    return new Set(this.invites.map((invite) => header(invite, 'Call-ID'))).size;
  }

  /** The requests of a service the phone received. */
  requests(service: string): PhoneRequest[] {
    return this.received.filter((request) => request.service === service);
  }

  /** An incoming call rings: Delivered with the phone as alerting device. Returns its call id. */
  async ring(caller: string, edition = this.edition): Promise<string> {
    const callId = String(this.nextCallId--);
    this.calls.set(callId, { callId, state: 'alerting', remote: caller, digits: '' });
    await this.sendEvent(
      { type: 'Delivered', callId, device: this.device, subject: this.device, calling: caller, called: this.device, state: 'alerting', cause: 'newCall' },
      edition,
    );
    return callId;
  }

  /** Sends an event INFO and waits for the session's final answer; returns its status. */
  sendEvent(event: PhoneEvent, edition = this.edition): Promise<number> {
    return this.sendInfo(eventXml(event, String(this.crossRefId), edition));
  }

  /** Sends `body` in an INFO in the CSTA dialog; resolves with the session's final status. */
  sendInfo(body: string, contentType = 'application/csta+xml', repeat = 1): Promise<number> {
    const run = async () => {
      const dialog = this.dialog ?? fail('no CSTA dialog');
      const cseq = ++dialog.cseq;
      const text = this.inDialogRequest('INFO', dialog, cseq, body, contentType);
      const status = new Promise<number>((resolve) => this.waiters.set(`${cseq} INFO`, resolve));
      for (let copy = 0; copy < repeat; copy++) this.send(text, dialog.peer);
      const answer = await status;
      this.infoAnswers.set(cseq, answer);
      return answer;
    };
    const result = this.sendQueue.then(run, run);
    this.sendQueue = result.catch(() => undefined);
    return result;
  }

  /** The phone ends the CSTA session (BYE); resolves with the session's answer. */
  bye(): Promise<number> {
    const dialog = this.dialog ?? fail('no CSTA dialog');
    this.dialogs.delete(dialog.callId);
    const cseq = ++dialog.cseq;
    const status = new Promise<number>((resolve) => this.waiters.set(`${cseq} BYE`, resolve));
    this.send(this.inDialogRequest('BYE', dialog, cseq), dialog.peer);
    return status;
  }

  /** Forgets every dialog, as a rebooted phone would (later in-dialog requests get 481). */
  forgetDialogs(): void {
    this.dialogs.clear();
  }

  /** Waits until the phone has received `count` requests of `service`. */
  async waitForRequests(service: string, count = 1): Promise<PhoneRequest> {
    await waitFor(() => this.requests(service).length >= count, `${count} ${service} request(s) at the fake phone`, 10_000);
    return this.requests(service)[count - 1]!;
  }

  close(): Promise<void> {
    return this.wire.close();
  }

  private receive(raw: string, from: WirePeer): void {
    const message = parseSip(raw);
    if (!message) return;
    if (message.status !== undefined) {
      const cseq = header(message, 'CSeq');
      if (message.status >= 200) this.waiters.get(cseq.replace(/\s+/, ' '))?.(message.status);
      return;
    }
    if (!this.answering) {
      this.ignored++;
      return;
    }
    switch (message.method) {
      case 'INVITE':
        return this.onInvite(message, from);
      case 'ACK': {
        this.acks++;
        const dialog = this.dialogs.get(header(message, 'Call-ID'));
        if (dialog) dialog.confirmed = true;
        return;
      }
      case 'INFO':
        return this.onInfo(message, from);
      case 'BYE':
        this.byes++;
        this.reply(message, from, this.dialogs.delete(header(message, 'Call-ID')) ? 200 : 481);
        return;
      case 'CANCEL':
        return this.reply(message, from, 200);
      default:
        return this.reply(message, from, 405);
    }
  }

  private authorized(message: SipText, from: WirePeer, method: string): boolean {
    const challenge = this.options.challenge;
    if (!challenge || (challenge.scope === 'invite' && method !== 'INVITE')) return true;
    const authorization = header(message, 'Authorization');
    if (authorization && digestValid(authorization, method, { ...challenge, realm: REALM, nonce: this.nonce })) return true;
    this.reply(message, from, 401, [`WWW-Authenticate: Digest realm="${REALM}", nonce="${this.nonce}", algorithm=MD5, qop="auth"`]);
    return false;
  }

  private onInvite(message: SipText, from: WirePeer): void {
    const timer = this.options.sessionExpires ? [`Session-Expires: ${this.options.sessionExpires};refresher=uac`, 'Require: timer'] : [];
    if (tagOf(header(message, 'To'))) {
      // A re-INVITE: the session refresh of a dialog the phone knows, or 481.
      if (!this.dialogs.has(header(message, 'Call-ID'))) return this.reply(message, from, 481);
      this.reinvites++;
      return this.reply(
        message,
        from,
        200,
        [`Contact: <${this.uri}>`, ...timer],
        cstaXml('RequestSystemStatusResponse', this.edition, '<systemStatus>normal</systemStatus>'),
      );
    }
    this.invites.push(message);
    if (!this.authorized(message, from, 'INVITE')) return;
    if (this.options.refuseInvite) return this.reply(message, from, this.options.refuseInvite);
    const request = readRequest(message.body);
    if (request) this.received.push(request);
    const callId = header(message, 'Call-ID');
    const localTag = this.dialogs.get(callId)?.localTag ?? randomUUID().slice(0, 8);
    this.dialogs.set(callId, {
      callId,
      localTag,
      remoteTag: tagOf(header(message, 'From')) ?? '',
      remoteUri: uriOf(header(message, 'From')),
      peer: { ...hostPortOf(uriOf(header(message, 'Contact'))), ...from },
      cseq: 100,
      confirmed: false,
    });
    const forced = this.options.failService?.['RequestSystemStatus'];
    this.reply(
      message,
      from,
      200,
      [`Contact: <${this.uri}>`, ...timer],
      forced ? errorXml(this.edition, forced[0], forced[1]) : cstaXml('RequestSystemStatusResponse', this.edition, '<systemStatus>normal</systemStatus>'),
      localTag,
    );
  }

  private onInfo(message: SipText, from: WirePeer): void {
    this.infos.push(message);
    const callId = header(message, 'Call-ID');
    if (!this.dialogs.has(callId)) return this.reply(message, from, 481);
    if (!this.authorized(message, from, 'INFO')) return;
    const request = readRequest(message.body);
    if (!request) return this.reply(message, from, 400);
    this.received.push(request);
    if (request.service === 'MonitorStart') this.monitored = callId;
    const [body, events] = this.serve(request);
    const later = body !== undefined && this.options.answerInInfo?.includes(request.service) === true;
    this.reply(message, from, 200, [], later ? undefined : body);
    if (later) void this.sendInfo(body).catch(() => undefined);
    for (const event of events) void this.sendEvent(event).catch(() => undefined);
  }

  /** The answer to one CSTA request, and the events it causes; per-call state changes here. */
  private serve(request: PhoneRequest): [string | undefined, PhoneEvent[]] {
    const ed = this.edition;
    const forced = this.options.failService?.[request.service];
    if (forced) return [errorXml(ed, forced[0], forced[1]), []];
    const device = this.device;
    const target = (name: string) => {
      const callId = field(request, [name, 'callID']);
      return callId === undefined ? undefined : this.calls.get(callId);
    };
    const noSuchCall: [string, PhoneEvent[]] = [errorXml(ed, 'operation', 'invalidCallID'), []];
    const wrongState: [string, PhoneEvent[]] = [errorXml(ed, 'stateIncompatibility', 'invalidObjectState'), []];
    const event = (type: PhoneEvent['type'], call: PhoneCall, state: string, cause: string, extra: Partial<PhoneEvent> = {}): PhoneEvent => ({
      type,
      callId: call.callId,
      device,
      subject: device,
      state,
      cause,
      ...extra,
    });
    switch (request.service) {
      case 'RequestSystemStatus':
        return [cstaXml('RequestSystemStatusResponse', ed, '<systemStatus>normal</systemStatus>'), []];
      case 'MonitorStart':
        this.crossRefId++;
        return [
          cstaXml('MonitorStartResponse', ed, `<monitorCrossRefID>${this.crossRefId}</monitorCrossRefID><monitorExistingCalls>true</monitorExistingCalls>`),
          [],
        ];
      case 'MonitorStop':
        return [cstaXml('MonitorStopResponse', ed), []];
      case 'SnapshotDevice': {
        const infos = [...this.calls.values()].map(
          (call) =>
            `<snapshotDeviceResponseInfo>${connectionXml('connectionIdentifier', call.callId, device)}<localCallState><compoundCallState><localConnectionState>${call.state}</localConnectionState></compoundCallState></localCallState></snapshotDeviceResponseInfo>`,
        );
        return [
          cstaXml('SnapshotDeviceResponse', ed, `<crossRefIDorSnapshotData><snapshotData>${infos.join('')}</snapshotData></crossRefIDorSnapshotData>`),
          [],
        ];
      }
      case 'MakeCall': {
        const called = field(request, ['calledDirectoryNumber']) ?? '';
        const callId = String(this.nextCallId--);
        const call: PhoneCall = { callId, state: 'connected', remote: called, digits: '' };
        this.calls.set(callId, call);
        return [
          cstaXml('MakeCallResponse', ed, connectionXml('callingDevice', callId, device)),
          [
            event('Originated', call, 'connected', 'newCall', { called }),
            event('Delivered', call, 'connected', 'newCall', { subject: called, calling: device, called }),
          ],
        ];
      }
      case 'AnswerCall': {
        const call = target('callToBeAnswered');
        if (!call) return noSuchCall;
        if (call.state !== 'alerting') return wrongState;
        call.state = 'connected';
        return [undefined, [event('Established', call, 'connected', 'normal', { calling: call.remote, called: device })]];
      }
      case 'ClearConnection': {
        const call = target('connectionToBeCleared');
        if (!call) return noSuchCall;
        this.calls.delete(call.callId);
        return [cstaXml('ClearConnectionResponse', ed), [event('ConnectionCleared', call, 'null', 'normalClearing')]];
      }
      case 'HoldCall': {
        const call = target('callToBeHeld');
        if (!call) return noSuchCall;
        if (call.state !== 'connected') return wrongState;
        call.state = 'hold';
        return [cstaXml('HoldCallResponse', ed), [event('Held', call, 'hold', 'normal')]];
      }
      case 'RetrieveCall': {
        const call = target('callToBeRetrieved');
        if (!call) return noSuchCall;
        if (call.state !== 'hold') return wrongState;
        call.state = 'connected';
        return [cstaXml('RetrieveCallResponse', ed), [event('Retrieved', call, 'connected', 'normal')]];
      }
      case 'SingleStepTransferCall': {
        const call = target('activeCall');
        if (!call) return noSuchCall;
        const to = field(request, ['transferredTo']) ?? '';
        this.calls.delete(call.callId);
        return [
          cstaXml('SingleStepTransferCallResponse', ed, connectionXml('transferredCall', String(this.nextCallId--), to)),
          [event('ConnectionCleared', call, 'null', 'singleStepTransfer')],
        ];
      }
      case 'GenerateDigits': {
        const call = target('connectionToSendDigits');
        if (!call) return noSuchCall;
        if (call.state !== 'connected') return wrongState;
        call.digits += field(request, ['charactersToSend']) ?? '';
        return [cstaXml('GenerateDigitsResponse', ed), []];
      }
      default:
        return [errorXml(ed, 'operation', 'requestIncompatibleWithObject'), []];
    }
  }

  private reply(request: SipText, to: WirePeer, status: number, extra: string[] = [], body?: string, toTag?: string): void {
    const toValue = header(request, 'To');
    const tag = tagOf(toValue) ?? toTag ?? (status > 100 ? randomUUID().slice(0, 8) : undefined);
    const headers = [
      ...(request.headers.get('via') ?? []).map((via) => `Via: ${via}`),
      `From: ${header(request, 'From')}`,
      `To: ${tagOf(toValue) || !tag ? toValue : `${toValue};tag=${tag}`}`,
      `Call-ID: ${header(request, 'Call-ID')}`,
      `CSeq: ${header(request, 'CSeq')}`,
      ...extra,
      ...(body !== undefined ? ['Content-Type: application/csta+xml'] : []),
    ];
    this.send(buildSip(`SIP/2.0 ${status} ${REASONS[status] ?? 'Answer'}`, headers, body ?? ''), to);
  }

  private inDialogRequest(method: string, dialog: Dialog, cseq: number, body?: string, contentType?: string): string {
    const headers = [
      `Via: SIP/2.0/${this.wire.protocol} 127.0.0.1:${this.port};branch=z9hG4bK-${randomUUID()};rport`,
      'Max-Forwards: 70',
      `From: <${this.uri}>;tag=${dialog.localTag}`,
      `To: <${dialog.remoteUri}>;tag=${dialog.remoteTag}`,
      `Call-ID: ${dialog.callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <${this.uri}>`,
      ...(body !== undefined ? [`Content-Type: ${contentType}`] : []),
    ];
    return buildSip(`${method} sip:callhook@${dialog.peer.address}:${dialog.peer.port} SIP/2.0`, headers, body ?? '');
  }

  private send(text: string, to: WirePeer): void {
    this.wire.send(text, to);
  }
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  405: 'Method Not Allowed',
  481: 'Call/Transaction Does Not Exist',
  488: 'Not Acceptable Here',
};

function fail(why: string): never {
  throw new Error(why);
}
