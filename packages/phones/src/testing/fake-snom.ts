import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakePhone, type FakeCall, type FakePhoneOptions } from './fake-phone.js';

const SETTING_OF: Record<string, string> = {
  incoming: 'action_incoming_url',
  outgoing: 'action_outgoing_url',
  connected: 'action_connected_url',
  disconnected: 'action_disconnected_url',
  remote_canceled: 'action_missed_url',
  hold: 'action_hold_url',
  unhold: 'action_unhold_url',
};

/**
 * A Snom D3xx/D7xx on loopback, after Snom's "Remote phone control" page and p4irin/remote_phone_control:
 * `/command.htm?number=&outgoing_uri=` answers 302 → index.htm; `key=ENTER|CANCEL|F_HOLD`,
 * `key_dtmf=`, `RELEASE_ALL_CALLS` act on the focused call; CANCEL on a ringing call rejects it
 * and fires **no** event; `/dummy.htm?settings=save&…&store_settings=save` writes settings (its
 * Action URLs). Variables: `$remote`, `$display_remote`, `$call-id`, `$local`, `$active_user`,
 * `$active_host`. Knob `d8xx`: no `/command.htm` (404).
 */
export class FakeSnom extends FakePhone {
  d8xx = false;
  readonly settings = new Map<string, string>();

  constructor(options: FakePhoneOptions = {}) {
    super(options);
  }

  protected settingOf(event: string): string | null {
    return SETTING_OF[event] ?? null;
  }

  protected override newCallId(n: number): string {
    return `${n}a7f3c2@127.0.0.1`;
  }

  protected variables(call: FakeCall): Record<string, string> {
    const [user, host] = this.account.split('@') as [string, string];
    return {
      remote: `sip:${call.number}@example.com`,
      display_remote: call.display,
      'call-id': call.id,
      local: `sip:${this.account}`,
      active_user: user,
      active_host: host,
    };
  }

  protected route(url: URL, rawQuery: string, _req: IncomingMessage, res: ServerResponse): void {
    if (url.pathname === '/index.htm' || url.pathname === '/') return this.send(res, 200, '<html>snom</html>');
    if (url.pathname === '/dummy.htm' && url.searchParams.get('settings') === 'save') {
      for (const [name, value] of url.searchParams) if (name !== 'settings' && name !== 'store_settings') this.settings.set(name, value);
      for (const [name, value] of this.settings) if (name.startsWith('action_')) this.eventUrls.set(name, value);
      return this.send(res, 200, 'saved');
    }
    if (url.pathname !== '/command.htm' || this.d8xx) return this.send(res, 404, 'not found');
    const number = url.searchParams.get('number');
    if (number !== null) {
      this.dial(number, url.searchParams.get('outgoing_uri'));
      return this.send(res, 302, '', { location: '/index.htm' });
    }
    if (rawQuery === 'RELEASE_ALL_CALLS') {
      for (const call of this.active()) this.userHangup(call);
      return this.send(res, 200, 'ok');
    }
    const dtmf = url.searchParams.get('key_dtmf');
    const focused = this.focused();
    if (dtmf !== null) {
      if (focused?.state === 'connected') focused.dtmf += dtmf;
      return this.send(res, 200, 'ok');
    }
    const key = url.searchParams.get('key');
    if (key !== null && focused) {
      if (key === 'ENTER' || key === 'OFFHOOK') this.userAnswer(focused);
      else if (key === 'CANCEL') this.userHangup(focused, focused.state === 'ringing' ? null : 'disconnected');
      else if (key === 'F_HOLD') this.userHold(focused, focused.state === 'connected');
    }
    this.send(res, 200, 'ok');
  }
}
