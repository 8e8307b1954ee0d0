import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakePhone, type FakeCall, type FakePhoneOptions } from './fake-phone.js';

const SETTING_OF: Record<string, string> = {
  incoming: 'action_url.incoming_call',
  outgoing: 'action_url.outgoing_call',
  connected: 'action_url.call_established',
  disconnected: 'action_url.call_terminated',
  remote_canceled: 'action_url.call_remote_canceled',
  rejected: 'action_url.reject_incoming_call',
  hold: 'action_url.hold',
  unhold: 'action_url.unhold',
  idle: 'action_url.busy_to_idle',
};

/**
 * A Yealink T4x on loopback, after the Yealink admin guides and adrianrudnik/yealink-click2dial-handler:
 * `/servlet?key=…` is executed only when `key=` comes first in the query; `number=N&outgoing_uri=U`
 * dials, `ASW:`/`CANCEL:`/`HOLD:`/`UNHOLD:<call_id>` act on that call, `OK`, `X`, `CALLEND`,
 * `F_HOLD`, digits and `POUND` on the focused one; `phonecfg=get` lists accounts. Refusals:
 * `allowList` (features.action_uri_limit_ip; empty = everyone refused, 403), the "Allow remote
 * control?" prompt (`prompt`: commands answered 200 and ignored until `approve()`), and a lockout
 * (403) after 3 failed logins. Variables: `$remote`, `$display_remote`, `$call_id`, `$local`,
 * `$active_user`, `$active_host`; busy_to_idle fires when the last call ends.
 */
export class FakeYealink extends FakePhone {
  allowList: string[] = ['any'];
  prompt = false;
  failedLogins = 0;
  readonly ignored: string[] = [];

  constructor(options: FakePhoneOptions = {}) {
    super(options);
  }

  /** The user presses OK on "Allow remote control?". */
  approve(): void {
    this.prompt = false;
  }

  get lockedOut(): boolean {
    return this.failedLogins >= 3;
  }

  protected settingOf(event: string): string | null {
    return SETTING_OF[event] ?? null;
  }

  protected override refuseBeforeLogin(): { status: number; body: string } | null {
    return this.lockedOut ? { status: 403, body: 'locked' } : null;
  }

  protected override loginFailed(): void {
    this.failedLogins++;
  }

  protected variables(call: FakeCall): Record<string, string> {
    const [user, host] = this.account.split('@') as [string, string];
    return {
      remote: `sip:${call.number}@example.com`,
      display_remote: call.display,
      call_id: call.id,
      local: `sip:${this.account}`,
      active_user: user,
      active_host: host,
    };
  }

  protected override fire(event: string, call: FakeCall): void {
    super.fire(event, call);
    if (call.state === 'ended' && this.active().length === 0) super.fire('idle', call);
  }

  protected route(url: URL, rawQuery: string, req: IncomingMessage, res: ServerResponse): void {
    const from = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (!this.allowList.includes('any') && !this.allowList.includes(from)) return this.send(res, 403, 'Forbidden');
    if (url.pathname !== '/servlet') return this.send(res, 404, 'not found');
    if (url.searchParams.get('phonecfg') === 'get') return this.send(res, 200, `Account|1|${this.account.split('@')[0]}|Desk|1|${this.account}\n`);
    if (!rawQuery.startsWith('key=')) {
      this.ignored.push(rawQuery);
      return this.send(res, 200, '');
    }
    if (this.prompt) {
      this.ignored.push(rawQuery);
      return this.send(res, 200, '');
    }
    const value = decodeURIComponent(rawQuery.slice(4));
    const byId = /^(ASW|CANCEL|HOLD|UNHOLD):(.+)$/.exec(value);
    if (value.startsWith('number=')) {
      const params = new URLSearchParams(rawQuery.slice(4).replace(/\+/g, '%2B'));
      this.dial(params.get('number') ?? '', params.get('outgoing_uri'));
    } else if (byId) {
      const call = this.calls.get(byId[2]!);
      if (!call || call.state === 'ended') return this.send(res, 200, '');
      if (byId[1] === 'ASW') this.userAnswer(call);
      else if (byId[1] === 'CANCEL') this.userHangup(call, call.state === 'ringing' ? 'rejected' : 'disconnected');
      else this.userHold(call, byId[1] === 'HOLD');
    } else {
      const focused = this.focused();
      if (focused) {
        if (value === 'OK') this.userAnswer(focused);
        else if (value === 'X' || value === 'CALLEND') this.userHangup(focused, focused.state === 'ringing' ? 'rejected' : 'disconnected');
        else if (value === 'F_HOLD') this.userHold(focused, focused.state === 'connected');
        else if (/^([0-9*]|POUND)$/.test(value) && focused.state === 'connected') focused.dtmf += value === 'POUND' ? '#' : value;
      }
    }
    this.send(res, 200, '');
  }
}
