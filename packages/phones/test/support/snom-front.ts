import type { Baresip, BaresipEvent } from '@callhook/test-support';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeCall, FakePhoneOptions } from '../../src/testing/fake-phone.js';
import { FakeSnom } from '../../src/testing/fake-snom.js';

/**
 * A "desk phone" that places and takes real SIP calls: a real baresip (ctrl_tcp) behind the fake
 * Snom's HTTP front. The front keeps FakeSnom's login check, settings store (`/dummy.htm`, where
 * callhook provisions its Action URLs) and event-URL firing with Snom's variables, and replaces the
 * simulated calls by baresip's:
 *
 * - `/command.htm?number=N&outgoing_uri=U` → baresip `dial sip:N@<registrar>`, 302 → index.htm, and
 *   Snom's outgoing event (Snom fires it when it starts dialling);
 * - `key=ENTER` (or `OFFHOOK`) on the ringing call → baresip `accept`; `key=CANCEL` → baresip `hangup`
 *   (on a ringing call Snom then fires nothing: the silent reject);
 * - baresip `CALL_INCOMING` → incoming; `CALL_ESTABLISHED` → connected; `CALL_CLOSED` →
 *   disconnected (a ringing call the caller gave up: missed).
 *
 * `$remote` is the peer's URI as baresip reports it (`sip:601@127.0.0.1`), `$display_remote` its
 * display name, `$call-id` the front's own id, `$local`/`$active_user`/`$active_host` the account.
 * Hold and DTMF keys are answered 200 but not driven. One call at a time is enough for the tests.
 */
export class SnomFront extends FakeSnom {
  /** baresip's events as they came, for failure messages. */
  readonly baresipEvents: BaresipEvent[] = [];
  private readonly peerOf = new Map<string, string>();
  private readonly byBaresipId = new Map<string, FakeCall>();
  private readonly localEnd = new Set<FakeCall>();
  private pendingDial: FakeCall | null = null;
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly baresip: Baresip,
    /** `host:port` of the registrar/proxy the phone's baresip dials through. */
    private readonly registrar: string,
    options: FakePhoneOptions = {},
  ) {
    super(options);
  }

  override async start(): Promise<this> {
    await super.start();
    this.unsubscribe = this.baresip.onEvent((event) => {
      this.baresipEvents.push(event);
      try {
        this.onBaresip(event);
      } catch (error) {
        this.baresipEvents.push({ type: 'FRONT_ERROR', error: String(error) });
      }
    });
    return this;
  }

  override async close(): Promise<void> {
    this.unsubscribe();
    await super.close();
  }

  protected override variables(call: FakeCall): Record<string, string> {
    return { ...super.variables(call), remote: this.peerOf.get(call.id) ?? `sip:${call.number}@${this.registrar}` };
  }

  protected override route(url: URL, rawQuery: string, req: IncomingMessage, res: ServerResponse): void {
    if (url.pathname !== '/command.htm') return super.route(url, rawQuery, req, res);
    const number = url.searchParams.get('number');
    if (number !== null) {
      const call = this.dial(number, url.searchParams.get('outgoing_uri'));
      this.pendingDial = call;
      this.peerOf.set(call.id, `sip:${number}@${this.registrar}`);
      this.drive('dial', `sip:${number}@${this.registrar}`);
      return this.send(res, 302, '', { location: '/index.htm' });
    }
    const key = url.searchParams.get('key');
    const focused = this.focused();
    if (focused && (key === 'ENTER' || key === 'OFFHOOK') && focused.state === 'ringing') this.drive('accept');
    if (focused && key === 'CANCEL') {
      if (focused.state === 'ringing') this.userHangup(focused, null);
      else this.localEnd.add(focused);
      this.drive('hangup');
    }
    this.send(res, 200, 'ok');
  }

  /** Sends a ctrl_tcp command; a refusal or no answer is noted in `baresipEvents` (the test's failure message shows it). */
  private drive(command: string, params?: string): void {
    this.baresip.command(command, params).then(
      (answer) => {
        if (!answer.ok) this.baresipEvents.push({ type: 'COMMAND_REFUSED', command, data: answer.data });
      },
      (error: unknown) => this.baresipEvents.push({ type: 'COMMAND_FAILED', command, error: String(error) }),
    );
  }

  private onBaresip(event: BaresipEvent): void {
    // baresip's first event of a call it dials (CALL_LOCAL_SDP) has no id yet.
    if (typeof event.id !== 'string' || event.id === '') return;
    const id = event.id;
    const peer = typeof event.peeruri === 'string' ? event.peeruri : '';
    let call = this.byBaresipId.get(id);
    if (!call && event.type === 'CALL_INCOMING') {
      call = this.ringInFrom(peer, typeof event.peerdisplayname === 'string' ? event.peerdisplayname : '');
      this.byBaresipId.set(id, call);
      return;
    }
    if (!call && this.pendingDial && String(event.direction ?? 'outgoing') === 'outgoing') {
      call = this.pendingDial;
      this.pendingDial = null;
      this.byBaresipId.set(id, call);
    }
    if (!call) return;
    switch (event.type) {
      case 'CALL_ESTABLISHED':
        if (call.direction === 'incoming') this.userAnswer(call);
        else this.remoteAnswer(call);
        return;
      case 'CALL_CLOSED':
        this.byBaresipId.delete(id);
        if (this.localEnd.delete(call)) this.userHangup(call);
        else this.remoteHangup(call);
        return;
    }
  }

  private ringInFrom(peer: string, display: string): FakeCall {
    const user = /^sips?:([^@;>]+)@/.exec(peer)?.[1] ?? peer;
    const call = this.newCall('incoming', user, display, 'ringing');
    this.peerOf.set(call.id, peer);
    this.fire('incoming', call);
    return call;
  }
}
