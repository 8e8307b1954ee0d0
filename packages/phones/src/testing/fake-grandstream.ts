import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakePhone, type FakeCall, type FakePhoneOptions } from './fake-phone.js';

const SETTING_OF: Record<string, string> = {
  incoming: 'Incoming Call',
  outgoing: 'Outgoing Call',
  connected: 'Establish Call',
  disconnected: 'Terminate Call',
  remote_canceled: 'Missed Call',
  hold: 'Hold Call',
  unhold: 'Resume Call',
};

/**
 * A Grandstream GXP/GRP on loopback, after the GRP26xx CTI Guide: `/cgi-bin/api-*` with
 * `passcode=` (make_call: `password=`), JSON answers `{"response":"success","body":…}` or
 * `{"response":"error","body":"failed"}`; `api-phone_operation` cmd acceptcall / rejectcall /
 * endcall / cancel / holdcall (toggles); `api-get_line_status` lists lines. Event URLs are written
 * `host:port/path/name=$var&…` (no `?`) and get no call id (`$call-id` stays unexpanded, as the
 * variable list of the guides has none). Knob `silentEnds`: calls end without any event (only polling sees it).
 */
export class FakeGrandstream extends FakePhone {
  silentEnds = false;

  constructor(options: FakePhoneOptions = {}) {
    super(options);
  }

  protected override needsLogin(): boolean {
    return false;
  }

  protected settingOf(event: string): string | null {
    return SETTING_OF[event] ?? null;
  }

  protected override fire(event: string, call: FakeCall): void {
    if (this.silentEnds && call.state === 'ended') return;
    super.fire(event, call);
  }

  protected variables(call: FakeCall): Record<string, string> {
    const [user] = this.account.split('@') as [string, string];
    return { remote: call.number, display_remote: call.display, local: user, active_user: user };
  }

  protected route(url: URL, _rawQuery: string, _req: IncomingMessage, res: ServerResponse): void {
    const json = (body: unknown, response = 'success') => this.send(res, 200, JSON.stringify({ response, body }), { 'content-type': 'application/json' });
    const passcode = url.searchParams.get('passcode') ?? url.searchParams.get('password');
    if (!url.pathname.startsWith('/cgi-bin/api-')) return this.send(res, 404, 'not found');
    if (passcode !== this.password) return json('failed', 'error');
    const focused = this.focused();
    switch (url.pathname) {
      case '/cgi-bin/api-get_phone_status':
        return json('available');
      case '/cgi-bin/api-get_line_status':
        return json([
          { line: 1, state: this.active().length > 0 ? 'connected' : 'idle', acct: '', remotename: '', remotenumber: focused?.number ?? '', active: 0 },
        ]);
      case '/cgi-bin/api-make_call':
        this.dial(url.searchParams.get('phonenumber') ?? '', null);
        return json('complete');
      case '/cgi-bin/api-phone_operation': {
        const cmd = url.searchParams.get('cmd');
        if (!focused) return json(false);
        if (cmd === 'acceptcall' && focused.state === 'ringing') this.userAnswer(focused);
        else if (cmd === 'rejectcall' || cmd === 'endcall' || cmd === 'cancel') this.userHangup(focused, 'disconnected');
        else if (cmd === 'holdcall') this.userHold(focused, focused.state === 'connected');
        else return json(false);
        return json(true);
      }
      default:
        return json('unknown', 'error');
    }
  }
}
