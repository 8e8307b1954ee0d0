import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { waitFor } from '@callhook/test-support';
import { createSipLine, SipLineSchema, type SipLine, type SipLineDeps } from '../../src/index.js';
import { EventRecorder } from './event-recorder.js';

/** A SIP response as the raw UAC saw it. */
export interface RawResponse {
  status: number;
  text: string;
  callId: string;
  cseq: string;
}

/** The SDP of an offer whose audio goes to `address`:`port` (any text: tests put bad values here). */
export function offerSdp(address: string, port: string | number, payloadTypes = '0', extra: string[] = []): string {
  return ['v=0', `o=raw 1 1 IN IP4 ${address}`, 's=-', `c=IN IP4 ${address}`, 't=0 0', `m=audio ${port} RTP/AVP ${payloadTypes}`, ...extra, ''].join('\r\n');
}

/**
 * A hand-driven SIP UAC on a real loopback UDP socket: sends INVITE/ACK/BYE text it builds itself
 * (so tests can send what sipp would not) and records every response. `close()` frees the socket.
 */
export class RawUac {
  readonly responses: RawResponse[] = [];
  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly target: number,
  ) {
    socket.on('message', (data) => {
      const text = data.toString('latin1');
      const status = /^SIP\/2\.0 (\d{3})/.exec(text);
      if (!status) return; // requests from the line (BYE) are answered by `answerRequests`
      this.responses.push({ status: Number(status[1]), text, callId: header(text, 'Call-ID'), cseq: header(text, 'CSeq') });
    });
  }

  static async open(target: number): Promise<RawUac> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new RawUac(socket, socket.address().port, target);
  }

  /** Requests the line sent us (e.g. BYE), answered 200 so the line's transaction ends. */
  readonly requests: string[] = [];
  answerRequests(): void {
    this.socket.on('message', (data) => {
      const text = data.toString('latin1');
      if (/^SIP\/2\.0/.test(text)) return;
      this.requests.push(text);
      const echoed = ['Via', 'From', 'To', 'Call-ID', 'CSeq'].map((name) => `${name}: ${header(text, name)}`);
      this.sendText(['SIP/2.0 200 OK', ...echoed, 'Content-Length: 0', '', ''].join('\r\n'));
    });
  }

  /**
   * Sends an INVITE with `body` as SDP; returns its Call-ID. `options.from` replaces the From header
   * value, `options.headers` replaces Contact and Content-Type (tests send broken headers this way).
   */
  invite(body: string, callId = randomUUID(), options: { from?: string; headers?: string[] } = {}): string {
    const headers = options.headers ?? [`Contact: <sip:raw@127.0.0.1:${this.port}>`, 'Content-Type: application/sdp'];
    this.sendText(this.request('INVITE', callId, 1, body, headers, undefined, options.from));
    return callId;
  }

  /** ACKs the 2xx for `callId` (uses the To tag of the line's answer). */
  ack(callId: string): void {
    this.sendText(this.request('ACK', callId, 1, '', [], this.toOf(callId)));
  }

  /** Sends a re-INVITE (in the dialog of `callId`, CSeq `cseq`) with `body` as SDP. */
  reinvite(callId: string, body: string, cseq = 2): void {
    const headers = [`Contact: <sip:raw@127.0.0.1:${this.port}>`, 'Content-Type: application/sdp'];
    this.sendText(this.request('INVITE', callId, cseq, body, headers, this.toOf(callId)));
  }

  /** ACKs the 2xx to the INVITE of `callId` with CSeq `cseq` (a re-INVITE's). */
  ackOf(callId: string, cseq: number): void {
    this.sendText(this.request('ACK', callId, cseq, '', [], this.toOf(callId)));
  }

  /** Waits for the final response to the INVITE of `callId` with CSeq `cseq`. */
  async waitFinalOf(callId: string, cseq: number, timeoutMs = 10_000): Promise<RawResponse> {
    const find = () => this.responses.find((response) => response.callId === callId && response.status >= 200 && response.cseq === `${cseq} INVITE`);
    await waitFor(() => find() !== undefined, `a final response to INVITE ${callId} CSeq ${cseq}`, timeoutMs);
    return find()!;
  }

  bye(callId: string): void {
    this.sendText(this.request('BYE', callId, 2, '', [], this.toOf(callId)));
  }

  final(callId: string): RawResponse | undefined {
    return this.responses.find((response) => response.callId === callId && response.status >= 200 && /INVITE/.test(response.cseq));
  }

  async waitFinal(callId: string, timeoutMs = 10_000): Promise<RawResponse> {
    await waitFor(() => this.final(callId) !== undefined, `a final response to INVITE ${callId}`, timeoutMs);
    return this.final(callId)!;
  }

  sendText(text: string): void {
    this.socket.send(Buffer.from(text, 'latin1'), this.target, '127.0.0.1');
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  private toOf(callId: string): string {
    const final = this.final(callId);
    return final ? header(final.text, 'To') : `<sip:303@127.0.0.1:${this.target}>`;
  }

  private request(
    method: string,
    callId: string,
    cseq: number,
    body: string,
    extra: string[],
    to = `<sip:303@127.0.0.1:${this.target}>`,
    from = '<sip:raw@127.0.0.1>;tag=raw1',
  ): string {
    const branch = method === 'ACK' ? `z9hG4bK-ack-${randomUUID()}` : `z9hG4bK-${randomUUID()}`;
    return [
      `${method} sip:303@127.0.0.1:${this.target} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`,
      `From: ${from}`,
      `To: ${to}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${method}`,
      'Max-Forwards: 70',
      ...extra,
      `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
      '',
      body,
    ].join('\r\n');
  }
}

function header(text: string, name: string): string {
  return new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(text)?.[1]?.trim() ?? '';
}

/**
 * A SIP line on a free loopback port (settings over `aor: sip:303@127.0.0.1`), its event recorder
 * and a raw UAC aimed at it that answers the line's requests. Both are stopped through `cleanups`
 * (run them in reverse in afterEach).
 */
export async function startLineWithUac(settings: Record<string, unknown>, deps: SipLineDeps, cleanups: (() => unknown)[]) {
  const line: SipLine = createSipLine(SipLineSchema.parse({ type: 'sip', aor: 'sip:303@127.0.0.1', ...settings }), deps);
  const events = new EventRecorder(line);
  await line.start();
  cleanups.push(() => line.stop());
  const uac = await RawUac.open(line.localAddress!.port);
  cleanups.push(() => uac.close());
  uac.answerRequests();
  return { line, events, uac };
}
